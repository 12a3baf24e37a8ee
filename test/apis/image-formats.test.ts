import { PhotonImage } from "@cf-wasm/photon";
import decodeAvif, { init as initAvifDecoder } from "@jsquash/avif/decode.js";
import avifDecoderWasm from "@jsquash/avif/codec/dec/avif_dec.wasm";
import jpeg from "jpeg-js";
import { GifReader } from "omggif";
import UTIF from "utif";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount } from "../helpers/http";

const PATH = "/image-generation/v1/generate";

/** A 20×10 canvas: the left half opaque #3366CC, the right half transparent. */
const halfFilled = (output_format: string) => ({
  dimensions: { width_in_px: 20, height_in_px: 10 },
  layers: [{ index: 0, type: "solid-color", hex_color: "#3366CC", dimensions: { width_in_px: 10, height_in_px: 10 } }],
  output_format,
});

async function render(output_format: string) {
  const account = await createAccount(10);
  const res = await callJson(PATH, { body: halfFilled(output_format), key: account.apiKey });
  expect(res.status).toBe(200);
  expect(await balanceOf(account.accountId)).toBe(8);
  return { mimeType: res.body.data.mime_type as string, bytes: Uint8Array.from(atob(res.body.data.buffer), (c) => c.charCodeAt(0)) };
}

const rgbaAt = (pixels: ArrayLike<number>, width: number, x: number, y: number) => {
  const i = (y * width + x) * 4;
  return [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
};

describe("output formats: each a real file of that format with the right MIME type", () => {
  it("jpeg: decodes to the colour, with transparency flattened onto white", async () => {
    const { mimeType, bytes } = await render("jpeg");
    expect(mimeType).toBe("image/jpeg");
    expect(Array.from(bytes.slice(0, 3))).toEqual([0xff, 0xd8, 0xff]);
    const image = jpeg.decode(bytes, { useTArray: true });
    expect([image.width, image.height]).toEqual([20, 10]);
    const [r, g, b] = rgbaAt(image.data, 20, 2, 5);
    expect(Math.abs(r! - 0x33) + Math.abs(g! - 0x66) + Math.abs(b! - 0xcc)).toBeLessThan(24);
    const [wr, wg, wb] = rgbaAt(image.data, 20, 17, 5);
    expect(Math.min(wr!, wg!, wb!)).toBeGreaterThan(240);
  });

  it("webp: a RIFF/WEBP file that decodes to the exact pixels, alpha included", async () => {
    const { mimeType, bytes } = await render("webp");
    expect(mimeType).toBe("image/webp");
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe("RIFF");
    expect(new TextDecoder().decode(bytes.slice(8, 12))).toBe("WEBP");
    const image = PhotonImage.new_from_byteslice(bytes);
    try {
      expect([image.get_width(), image.get_height()]).toEqual([20, 10]);
      const pixels = image.get_raw_pixels();
      expect(rgbaAt(pixels, 20, 2, 5)).toEqual([0x33, 0x66, 0xcc, 255]);
      expect(rgbaAt(pixels, 20, 17, 5)[3]).toBe(0);
    } finally {
      image.free();
    }
  });

  it("gif: a GIF89a that decodes to the colour and keeps transparency", async () => {
    const { mimeType, bytes } = await render("gif");
    expect(mimeType).toBe("image/gif");
    expect(new TextDecoder().decode(bytes.slice(0, 6))).toBe("GIF89a");
    const reader = new GifReader(bytes);
    expect([reader.width, reader.height]).toEqual([20, 10]);
    const pixels = new Uint8Array(20 * 10 * 4);
    reader.decodeAndBlitFrameRGBA(0, pixels);
    expect(rgbaAt(pixels, 20, 2, 5)).toEqual([0x33, 0x66, 0xcc, 255]);
    expect(rgbaAt(pixels, 20, 17, 5)[3]).toBe(0);
  });

  it("tiff: a TIFF that decodes to the exact pixels", async () => {
    const { mimeType, bytes } = await render("tiff");
    expect(mimeType).toBe("image/tiff");
    expect(Array.from(bytes.slice(0, 2))).toEqual([0x4d, 0x4d]);
    const ifd = UTIF.decode(bytes.buffer)[0]!;
    UTIF.decodeImage(bytes.buffer, ifd);
    const pixels = UTIF.toRGBA8(ifd);
    expect([ifd.width, ifd.height]).toEqual([20, 10]);
    expect(rgbaAt(pixels, 20, 2, 5)).toEqual([0x33, 0x66, 0xcc, 255]);
    expect(rgbaAt(pixels, 20, 17, 5)[3]).toBe(0);
  });

  it("avif: an ISO-BMFF AVIF that decodes back to the colour, alpha included", async () => {
    const { mimeType, bytes } = await render("avif");
    expect(mimeType).toBe("image/avif");
    expect(new TextDecoder().decode(bytes.slice(4, 12))).toBe("ftypavif");
    await initAvifDecoder(avifDecoderWasm as never);
    const image = (await decodeAvif(bytes.buffer as ArrayBuffer))!;
    expect([image.width, image.height]).toEqual([20, 10]);
    const [r, g, b, a] = rgbaAt(image.data, 20, 2, 5);
    expect(Math.abs(r! - 0x33) + Math.abs(g! - 0x66) + Math.abs(b! - 0xcc)).toBeLessThan(30);
    // AVIF is lossy, alpha included: opaque stays within a step of 255, transparent within a few of 0.
    expect(a).toBeGreaterThanOrEqual(250);
    expect(rgbaAt(image.data, 20, 17, 5)[3]).toBeLessThan(10);
  });

  it("png stays the default", async () => {
    const account = await createAccount(10);
    const { output_format: _omitted, ...body } = halfFilled("png");
    const res = await callJson(PATH, { body, key: account.apiKey });
    expect(res.body.data.mime_type).toBe("image/png");
  });
});
