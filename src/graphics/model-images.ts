/**
 * Pictures handed to a model (Workers AI's `toMarkdown`, which takes PNG, JPEG, WebP and SVG): a BMP, TIFF or
 * PNM picture (PBM, PGM, PPM) is decoded here, BMP and PNM by hand and TIFF by UTIF, and sent as PNG, within the
 * pixel budget. A JPEG 2000 picture has no decoder here: a 422 that says so. Anything else goes as it is.
 */
import UTIF from "utif";
import { MAX_IMAGE_PIXELS } from "../budgets";
import { ApiError } from "../errors";
import { encodePng } from "./png";

export interface ModelImage {
  bytes: Uint8Array;
  mimeType: string;
}

interface Rgba {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** The picture as the model takes it: `format` is the sniffed one, `where` names it in a refusal. */
export async function imageForModel(bytes: Uint8Array, format: string, mimeType: string, where: string): Promise<ModelImage> {
  if (format === "jp2") throw new ApiError(422, `${where}: JPEG 2000 pictures are not decoded here; send it as PNG or JPEG`);
  const decode = format === "bmp" ? decodeBmp : format === "pnm" ? decodePnm : format === "tiff" ? decodeTiff : undefined;
  if (!decode) return { bytes, mimeType };
  let image: Rgba;
  try {
    image = decode(bytes, where);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, `${where}: the ${format.toUpperCase()} picture could not be decoded`);
  }
  return { bytes: await encodePng(image.pixels, image.width, image.height), mimeType: "image/png" };
}

function checkSize(width: number, height: number, where: string): void {
  if (!(width > 0 && height > 0)) throw new ApiError(422, `${where}: the picture has no size`);
  if (width * height > MAX_IMAGE_PIXELS) throw new ApiError(422, `${where}: the image is ${width} × ${height} pixels; at most ${MAX_IMAGE_PIXELS} pixels are decoded`);
}

/** BMP: uncompressed 1, 4, 8 (with a palette), 16, 24 and 32 bits a pixel, bottom-up or top-down. */
function decodeBmp(bytes: Uint8Array, where: string): Rgba {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = headerSize >= 40 ? view.getUint32(30, true) : 0;
  const height = Math.abs(rawHeight);
  checkSize(width, height, where);
  // BI_RGB, and BI_BITFIELDS with the usual masks (16 bits as 5-5-5; 32 bits as BGRA).
  if (compression !== 0 && compression !== 3) throw new ApiError(422, `${where}: compressed (RLE) BMP pictures are not decoded here; send it as PNG`);
  const paletteSize = bits <= 8 ? (headerSize >= 40 && view.getUint32(46, true)) || 1 << bits : 0;
  const palette = 14 + headerSize + (compression === 3 && headerSize === 40 ? 12 : 0);
  const stride = Math.floor((bits * width + 31) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw new ApiError(422, `${where}: the BMP picture is cut short`);
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (rawHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 4;
      let [r, g, b, a] = [0, 0, 0, 255];
      if (bits === 24 || bits === 32) {
        const at = row + x * (bits / 8);
        [b, g, r] = [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!];
        if (bits === 32 && compression === 3) a = bytes[at + 3]!;
      } else if (bits === 16) {
        const value = view.getUint16(row + x * 2, true);
        [r, g, b] = [((value >> 10) & 31) * 8.226, ((value >> 5) & 31) * 8.226, (value & 31) * 8.226].map(Math.round) as [number, number, number];
      } else if (bits <= 8) {
        const bit = x * bits;
        const index = (bytes[row + (bit >> 3)]! >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        const entry = palette + Math.min(index, paletteSize - 1) * 4;
        [b, g, r] = [bytes[entry] ?? 0, bytes[entry + 1] ?? 0, bytes[entry + 2] ?? 0];
      } else {
        throw new ApiError(422, `${where}: BMP pictures of ${bits} bits a pixel are not decoded here`);
      }
      pixels.set([r, g, b, a], out);
    }
  }
  return { pixels, width, height };
}

/** PNM: PBM, PGM and PPM, as text (P1–P3) or binary (P4–P6), samples of 8 or 16 bits. */
function decodePnm(bytes: Uint8Array, where: string): Rgba {
  const kind = bytes[1]! - 48;
  let at = 2;
  const token = (): number => {
    for (;;) {
      while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at]!))) at++;
      if (bytes[at] !== 0x23) break;
      while (at < bytes.length && bytes[at] !== 0x0a) at++;
    }
    const start = at;
    while (at < bytes.length && bytes[at]! >= 0x30 && bytes[at]! <= 0x39) at++;
    if (start === at) throw new ApiError(422, `${where}: the PNM picture's header is not readable`);
    return Number(new TextDecoder().decode(bytes.subarray(start, at)));
  };
  const width = token();
  const height = token();
  const max = kind === 1 || kind === 4 ? 1 : token();
  checkSize(width, height, where);
  if (kind >= 4) at++;
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const wide = max > 255;
  const pixels = new Uint8Array(width * height * 4);
  const scale = (value: number) => Math.round((Math.min(value, max) * 255) / Math.max(1, max));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const samples: number[] = [];
      for (let c = 0; c < channels; c++) {
        if (kind === 4) {
          const rowBytes = Math.ceil(width / 8);
          const bit = (bytes[at + y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
          samples.push(bit ? 0 : 255);
        } else if (kind >= 5) {
          const index = at + ((y * width + x) * channels + c) * (wide ? 2 : 1);
          samples.push(scale(wide ? (bytes[index]! << 8) | bytes[index + 1]! : bytes[index]!));
        } else {
          const value = token();
          samples.push(kind === 1 ? (value ? 0 : 255) : scale(value));
        }
      }
      const [r, g, b] = channels === 3 ? samples : [samples[0]!, samples[0]!, samples[0]!];
      pixels.set([r!, g!, b!, 255], (y * width + x) * 4);
    }
  }
  return { pixels, width, height };
}

/** TIFF: its first image, by UTIF (the reader that also writes Lamina's TIFF output). */
function decodeTiff(bytes: Uint8Array, where: string): Rgba {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const directories = UTIF.decode(buffer);
  const first = directories[0];
  if (!first) throw new ApiError(422, `${where}: the TIFF file holds no picture`);
  // The size from the ImageWidth and ImageLength tags, checked before the pixels are decoded.
  const tags = first as unknown as Record<string, number[] | undefined>;
  const width = Number(tags.t256?.[0]);
  const height = Number(tags.t257?.[0]);
  checkSize(width, height, where);
  UTIF.decodeImage(buffer, first);
  return { pixels: new Uint8Array(UTIF.toRGBA8(first)), width: first.width, height: first.height };
}
