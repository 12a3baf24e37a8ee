/** The row-at-a-time PNG encoder: lossless, valid chunks, and what a decoder of its own reads back. */
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { encodePng } from "../../src/graphics/png";

function crcOk(png: Uint8Array): boolean {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const view = new DataView(png.buffer, png.byteOffset);
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    let crc = 0xffffffff;
    for (const byte of png.subarray(at + 4, at + 8 + length)) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
    if (((crc ^ 0xffffffff) >>> 0) !== view.getUint32(at + 8 + length)) return false;
    at += 12 + length;
  }
  return true;
}

describe("encodePng", () => {
  it.each([
    [1, 1],
    [37, 23],
    [640, 480],
  ])("encodes %i × %i RGBA losslessly, every chunk's CRC right", async (width, height) => {
    const pixels = new Uint8Array(width * height * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + (i >> 7)) & 0xff;
    const png = await encodePng(pixels, width, height);
    const back = decode(png);
    expect([back.width, back.height, back.channels, back.depth]).toEqual([width, height, 4, 8]);
    expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(pixels))).toBe(true);
    expect(crcOk(png)).toBe(true);
  });

  it("keeps transparency and compresses a flat image to almost nothing", async () => {
    const pixels = new Uint8Array(1000 * 1000 * 4);
    for (let i = 0; i < pixels.length; i += 4) pixels.set([51, 102, 204, 128], i);
    const png = await encodePng(pixels, 1000, 1000);
    expect(png.length).toBeLessThan(20_000); // of 4 MB raw
    const back = decode(png);
    expect(Array.from((back.data as Uint8Array).subarray(4 * 123_456, 4 * 123_456 + 4))).toEqual([51, 102, 204, 128]);
  });

  it("stays readable where fflate's streaming deflate wrote invalid back-references (transparent rows, then flat bars)", async () => {
    // The canvas of the layout test that caught it: a red square over a blue one, centred on transparent 100 × 100.
    const pixels = new Uint8Array(100 * 100 * 4);
    for (let y = 30; y < 70; y++) {
      for (let x = 40; x < 60; x++) pixels.set(y < 50 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * 100 + x) * 4);
    }
    const png = await encodePng(pixels, 100, 100);
    expect(crcOk(png)).toBe(true);
    expect(Buffer.from(decode(png).data as Uint8Array).equals(Buffer.from(pixels))).toBe(true);
  });

  it("is lossless across its write pieces, for rows wider than a piece", async () => {
    for (const [width, height] of [[70_000, 2], [300, 900]] as const) {
      const pixels = new Uint8Array(width * height * 4);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + (i >> 11)) & 0xff;
      // Repeated rows among them, to mix the Up filter in.
      if (height > 2) pixels.copyWithin(width * 4 * 10, width * 4 * 9, width * 4 * 10);
      const back = decode(await encodePng(pixels, width, height));
      expect(Buffer.from(back.data as Uint8Array).equals(Buffer.from(pixels))).toBe(true);
    }
  });
});
