/**
 * Image headers that try to slip past the pixel budget: a JPEG with fill bytes before its frame, an AVIF whose
 * metadata sits past the first 64 KB, and one whose `ispe` box claims 100 × 100 where its AV1 data is 2400 × 2000.
 * Each is refused with a 422 naming the input before anything decodes it, through the real route, and refunded;
 * an honest JPEG with fill bytes still decodes. The AVIFs are sharp's (scripts/make-hostile-images.mjs).
 */
import { GIFEncoder } from "gifenc";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { imageDimensions, sniffFormat } from "../../src/inputs/sniff";
import { balanceOf, callJson, createAccount } from "../helpers/http";
import { base64Of, bytesOf, decodeAny, pixelAt } from "../helpers/images";

const PATH = "/image-transformation/v1/transform";
const fixture = async (name: string) => {
  const modules = import.meta.glob<string>("../fixtures/image-transformation/*.avif", { query: "?inline", import: "default" });
  return bytesOf((await modules[`../fixtures/image-transformation/${name}`]!()).replace(/^data:[^,]*,/, ""));
};

/** A JPEG (jpeg-js) of `width` × `height` in one colour, with `fill` 0xFF fill bytes before every marker after SOI. */
function jpegWithFill(width: number, height: number, fill: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([40, 120, 220, 255], i);
  const plain = new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
  const out: number[] = [0xff, 0xd8];
  // Header segments only (up to the scan): each marker gets the fill bytes, the scan data is copied as it is.
  let at = 2;
  while (at < plain.length) {
    const marker = plain[at + 1]!;
    for (let i = 0; i < fill; i++) out.push(0xff);
    if (marker === 0xda) {
      out.push(...plain.subarray(at));
      break;
    }
    const length = (plain[at + 2]! << 8) | plain[at + 3]!;
    out.push(...plain.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return new Uint8Array(out);
}

/** `bytes` with every start-of-frame's size set to `width` × `height`. */
function claiming(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 2; i + 8 < out.length; i++) {
    if (out[i] === 0xff && out[i + 1] === 0xc0) {
      out.set([height >> 8, height & 0xff, width >> 8, width & 0xff], i + 5);
      break;
    }
  }
  return out;
}

async function transform(bytes: Uint8Array) {
  const account = await createAccount(10);
  const res = await callJson(PATH, { key: account.apiKey, body: { file: { type: "base64", base64: base64Of(bytes) }, operations: [{ type: "flop" }] } });
  return { ...res, balance: await balanceOf(account.accountId) };
}

describe("JPEG headers with fill bytes", () => {
  it("are read past the fill bytes, as libjpeg reads them", () => {
    expect(imageDimensions(jpegWithFill(37, 23, 1))).toEqual({ width: 37, height: 23 });
    expect(imageDimensions(jpegWithFill(37, 23, 5))).toEqual({ width: 37, height: 23 });
  });

  it("refuse an 8000 × 8000 frame behind one fill byte with a 422 before decoding, refunded", async () => {
    const res = await transform(claiming(jpegWithFill(16, 16, 1), 8000, 8000));
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: the image is 8000 × 8000 pixels; at most 4194304 pixels are decoded");
    expect(res.balance).toBe(10);
  });

  it("still decode an honest JPEG with fill bytes", async () => {
    const res = await transform(jpegWithFill(16, 8, 3));
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    const out = await decodeAny(bytesOf(res.body.data.buffer));
    expect([out.width, out.height]).toEqual([16, 8]);
    const [r, g, b] = pixelAt(out, 3, 3);
    expect(Math.abs(r! - 40) + Math.abs(g! - 120) + Math.abs(b! - 220)).toBeLessThan(12);
  });

  it("refuse a JPEG that has no frame before its scan: no size, nothing decoded", async () => {
    const plain = jpegWithFill(16, 16, 0);
    const sof = plain.findIndex((byte, i) => byte === 0xff && plain[i + 1] === 0xc0);
    const length = (plain[sof + 2]! << 8) | plain[sof + 3]!;
    const withoutFrame = new Uint8Array([...plain.subarray(0, sof), ...plain.subarray(sof + 2 + length)]);
    const res = await transform(withoutFrame);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: the image's size could not be read from its header (a damaged or truncated file)");
    expect(res.balance).toBe(10);
  });
});

describe("AVIF headers", () => {
  it("are read from the boxes wherever they are, and from the AV1 sequence header", async () => {
    expect(imageDimensions(await fixture("large.avif"))).toEqual({ width: 2400, height: 2000 });
    expect(imageDimensions(await fixture("late-meta.avif"))).toEqual({ width: 2400, height: 2000 });
    expect(imageDimensions(await fixture("lying-ispe.avif"))).toEqual({ width: 2400, height: 2000 });
  });

  for (const name of ["late-meta.avif", "lying-ispe.avif"]) {
    it(`refuse ${name} (2400 × 2000 inside) with a 422 before decoding, refunded`, async () => {
      const res = await transform(await fixture(name));
      expect(res.status).toBe(422);
      expect(res.body.error).toBe("file: the image is 2400 × 2000 pixels; at most 4194304 pixels are decoded");
      expect(res.balance).toBe(10);
    });
  }
});

describe("GIF headers", () => {
  /** A 16 × 8 GIF written by gifenc, one frame, two colours. */
  function gif(): Uint8Array {
    const encoder = GIFEncoder();
    const index = new Uint8Array(16 * 8).map((_, i) => (i % 16 < 8 ? 0 : 1));
    encoder.writeFrame(index, 16, 8, { palette: [[255, 0, 0], [0, 0, 255]] });
    encoder.finish();
    return encoder.bytes();
  }

  it("are the first frame's extent where it reaches past the logical screen", async () => {
    const honest = gif();
    expect(imageDimensions(honest)).toEqual({ width: 16, height: 8 });
    const forged = honest.slice();
    const descriptor = forged.indexOf(0x2c, 13);
    new DataView(forged.buffer).setUint16(descriptor + 5, 5000, true);
    new DataView(forged.buffer).setUint16(descriptor + 7, 5000, true);
    expect(imageDimensions(forged)).toEqual({ width: 5000, height: 5000 });
    const res = await transform(forged);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: the image is 5000 × 5000 pixels; at most 4194304 pixels are decoded");
    expect(res.balance).toBe(10);
    expect((await transform(honest)).status).toBe(200);
  });
});

describe("TIFF headers", () => {
  it("give the size of the first image file directory, so a TIFF claiming 11000² is refused as a layer", async () => {
    const UTIF = (await import("utif")).default;
    const tiff = new Uint8Array(UTIF.encodeImage(new Uint8Array(37 * 23 * 4).fill(90), 37, 23));
    expect(imageDimensions(tiff)).toEqual({ width: 37, height: 23 });
    const forged = UTIF.encodeImage(new Uint8Array(4).fill(90), 1, 1);
    const view = new DataView(forged);
    const little = view.getUint8(0) === 0x49;
    const directory = view.getUint32(4, little);
    for (let i = 0; i < view.getUint16(directory, little); i++) {
      const at = directory + 2 + i * 12;
      const tag = view.getUint16(at, little);
      if (tag === 256 || tag === 257) {
        if (view.getUint16(at + 2, little) === 3) view.setUint16(at + 8, 11_000, little);
        else view.setUint32(at + 8, 11_000, little);
      }
    }
    expect(imageDimensions(new Uint8Array(forged))).toEqual({ width: 11_000, height: 11_000 });
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      key: account.apiKey,
      body: { dimensions: { width_in_px: 10, height_in_px: 10 }, layers: [{ index: 0, type: "image", file: { type: "base64", base64: base64Of(new Uint8Array(forged)) } }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("layers.0 (image): the image is 11000 × 11000 pixels; at most 4194304 pixels are decoded");
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("JPEG XL", () => {
  it("is named JPEG XL, and refused as a format not read here", async () => {
    const codestream = new Uint8Array([0xff, 0x0a, 0xfa, 0x7f, 0x01, 0x90, 0x08, 0x06, 0x01, 0x00]);
    expect(sniffFormat(codestream, "")).toBe("jxl");
    const res = await transform(codestream);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("file: JPEG XL is not an image format read here (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)");
    expect(res.balance).toBe(10);
  });
});
