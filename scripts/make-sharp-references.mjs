// `node scripts/make-sharp-references.mjs`: the reference outputs that test/apis/image-transformation/sharp.test.ts
// compares Lamina's with. One deterministic 96 × 64 picture (gradients, hard edges, a translucent disc), put
// through sharp (libvips) for each geometry and resampling operation, written as base64 PNGs with the operation
// that made them to test/fixtures/image-transformation/sharp-references.json, with a small JPEG and libjpeg-turbo's
// decoding of it (and a CMYK JPEG). Run it again only when the input or the cases change; sharp's version is
// recorded in the file.
import { writeFileSync } from "node:fs";
import sharp from "sharp";

const WIDTH = 96;
const HEIGHT = 64;

function picture() {
  const data = Buffer.alloc(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 4;
      const inDisc = (x - 60) ** 2 + (y - 30) ** 2 < 18 ** 2;
      const stripe = Math.floor(x / 12) % 2 === 0;
      data[i] = inDisc ? 240 : Math.round((x / WIDTH) * 255);
      data[i + 1] = inDisc ? 200 : stripe ? 40 : 180;
      data[i + 2] = inDisc ? 30 : Math.round((y / HEIGHT) * 255);
      data[i + 3] = inDisc ? 160 : 255;
    }
  }
  return data;
}

const raw = { raw: { width: WIDTH, height: HEIGHT, channels: 4 } };
const input = await sharp(picture(), raw).png().toBuffer();
const transparent = { r: 0, g: 0, b: 0, alpha: 0 };

const CASES = [
  { name: "resize down, fill", operations: [{ type: "resize", width_in_px: 40, height_in_px: 30, fit: "fill" }], sharp: (s) => s.resize(40, 30, { fit: "fill", kernel: "lanczos3" }) },
  { name: "resize down, inside", operations: [{ type: "resize", width_in_px: 48, height_in_px: 48, fit: "inside" }], sharp: (s) => s.resize(48, 48, { fit: "inside", kernel: "lanczos3" }) },
  { name: "upscale 2", operations: [{ type: "upscale", factor: 2 }], sharp: (s) => s.resize(WIDTH * 2, HEIGHT * 2, { kernel: "lanczos3" }) },
  { name: "rotate 90", operations: [{ type: "rotate", angle_in_degrees: 90 }], sharp: (s) => s.rotate(90) },
  { name: "rotate 33", operations: [{ type: "rotate", angle_in_degrees: 33 }], sharp: (s) => s.rotate(33, { background: transparent }) },
  { name: "blur 2", operations: [{ type: "blur", sigma: 2 }], sharp: (s) => s.blur(2) },
  { name: "blur 6", operations: [{ type: "blur", sigma: 6 }], sharp: (s) => s.blur(6) },
  { name: "flip", operations: [{ type: "flip" }], sharp: (s) => s.flip() },
  { name: "flop", operations: [{ type: "flop" }], sharp: (s) => s.flop() },
  { name: "crop", operations: [{ type: "crop", left_in_px: 10, top_in_px: 5, width_in_px: 50, height_in_px: 40 }], sharp: (s) => s.extract({ left: 10, top: 5, width: 50, height: 40 }) },
  { name: "extend", operations: [{ type: "extend", top_in_px: 3, bottom_in_px: 5, left_in_px: 7, right_in_px: 2, hex_color: "#336699" }], sharp: (s) => s.extend({ top: 3, bottom: 5, left: 7, right: 2, background: "#336699" }) },
];

const references = [];
for (const entry of CASES) {
  const { data, info } = await entry.sharp(sharp(input)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  references.push({ name: entry.name, operations: entry.operations, width: info.width, height: info.height, png: png.toString("base64") });
}

// JPEG decoding: a small 4:2:0 JPEG of the picture's opaque part and what libjpeg-turbo (in sharp) decodes it to, as
// PNG; and the same picture as a CMYK JPEG, which libjpeg cannot read into RGBA (the decoder falls back to photon).
const opaque = await sharp(input).flatten({ background: "#ffffff" }).resize(24, 16, { fit: "fill" });
const jpegFile = await opaque.clone().jpeg({ quality: 80 }).toBuffer();
const jpegDecoded = await sharp(await sharp(jpegFile).ensureAlpha().raw().toBuffer(), { raw: { width: 24, height: 16, channels: 4 } }).png().toBuffer();
const cmykFile = await opaque.clone().toColourspace("cmyk").jpeg({ quality: 80 }).toBuffer();
const jpeg = { file: jpegFile.toString("base64"), decoded_png: jpegDecoded.toString("base64"), cmyk_file: cmykFile.toString("base64") };

const out = new URL("../test/fixtures/image-transformation/sharp-references.json", import.meta.url);
writeFileSync(out, `${JSON.stringify({ sharp: sharp.versions.sharp, vips: sharp.versions.vips, input: input.toString("base64"), references, jpeg }, null, 1)}\n`);
console.log(`wrote ${references.length} references (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips})`);
