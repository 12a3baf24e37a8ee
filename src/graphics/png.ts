/**
 * RGBA → PNG, a row at a time: each row is filtered (Paeth, or none for flat rows) and pushed into fflate's
 * streaming zlib, so the only whole-image buffer besides the pixels is the compressed output. fast-png (still
 * used to decode) filters the whole image into one buffer and deflates it in one call: two more copies of a
 * canvas, 64 MB at 8 megapixels, which a Worker's 128 MB cannot spare.
 */
import { Zlib } from "fflate";

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(parts: readonly Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) crc = CRC_TABLE[(crc ^ part[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array[] {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) head[4 + i] = type.charCodeAt(i);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc32([head.subarray(4), data]));
  return [head, data, tail];
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** 8-bit RGBA PNG of `pixels` (straight alpha, `width` × `height`). */
export function encodePngStreaming(pixels: Uint8Array, width: number, height: number, level: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  const stride = width * 4;
  const compressed: Uint8Array[] = [];
  const zlib = new Zlib({ level }, (data) => compressed.push(data));
  const row = new Uint8Array(stride + 1);
  for (let y = 0; y < height; y++) {
    const line = pixels.subarray(y * stride, (y + 1) * stride);
    const above = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    row[0] = 4; // Paeth
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? line[x - 4]! : 0;
      const up = above ? above[x]! : 0;
      const upLeft = above && x >= 4 ? above[x - 4]! : 0;
      row[1 + x] = (line[x]! - paeth(left, up, upLeft)) & 0xff;
    }
    // fflate copies what it is pushed into its own window, so one row buffer serves every row.
    zlib.push(row, y === height - 1);
  }
  if (height === 0) zlib.push(new Uint8Array(0), true);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, adaptive filtering, no interlace
  // The compressed chunks are copied straight into the file: no second whole-image buffer.
  let size = 0;
  for (const part of compressed) size += part.length;
  const idatHead = new Uint8Array([0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54]);
  new DataView(idatHead.buffer).setUint32(0, size);
  const idatCrc = new Uint8Array(4);
  new DataView(idatCrc.buffer).setUint32(0, crc32([idatHead.subarray(4), ...compressed]));
  const parts = [SIGNATURE, ...chunk("IHDR", header), idatHead, ...compressed, idatCrc, ...chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
