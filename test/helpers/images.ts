/** Test images made pixel by pixel, and any output decoded back to RGBA by a decoder independent of the Worker's. */
import decodeAvif, { init as initAvifDecoder } from "@jsquash/avif/decode.js";
import avifDecoderWasm from "@jsquash/avif/codec/dec/avif_dec.wasm";
import decodeWebp, { init as initWebpDecoder } from "@jsquash/webp/decode.js";
import webpDecoderWasm from "@jsquash/webp/codec/dec/webp_dec.wasm";
import { decode as decodePng, encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { GifReader } from "omggif";

export interface Decoded {
  width: number;
  height: number;
  data: Uint8Array;
  mimeType?: string;
}

/** A PNG whose pixel (x, y) is `color(x, y)` (RGBA). */
export function pngOf(width: number, height: number, color: (x: number, y: number) => readonly number[]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(color(x, y), (y * width + x) * 4);
  return encodePng({ width, height, data, channels: 4 });
}

export function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

let avifReady: Promise<void> | undefined;
let webpReady: Promise<void> | undefined;

export async function decodeAny(bytes: Uint8Array): Promise<Decoded> {
  if (bytes[0] === 0x89) {
    const png = decodePng(bytes);
    const data = png.channels === 4 ? (png.data as Uint8Array) : expand(png.data as Uint8Array, png.channels);
    return { width: png.width, height: png.height, data };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, data: image.data };
  }
  if (bytes[0] === 0x47) {
    const reader = new GifReader(bytes);
    const data = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(0, data);
    return { width: reader.width, height: reader.height, data };
  }
  if (String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP") {
    // libwebp, not photon: photon's decoder shifts the colours of lossy WebP.
    webpReady ??= initWebpDecoder(webpDecoderWasm);
    await webpReady;
    const image = await decodeWebp(bytes.slice().buffer);
    return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer) };
  }
  if (String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp") {
    avifReady ??= initAvifDecoder(avifDecoderWasm);
    await avifReady;
    const image = (await decodeAvif(bytes.slice().buffer))!;
    return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer) };
  }
  throw new Error(`not an image: ${Array.from(bytes.subarray(0, 12))}`);
}

function expand(data: Uint8Array, channels: number): Uint8Array {
  const out = new Uint8Array((data.length / channels) * 4);
  for (let i = 0, o = 0; i < data.length; i += channels, o += 4) {
    out[o] = data[i]!;
    out[o + 1] = data[channels >= 3 ? i + 1 : i]!;
    out[o + 2] = data[channels >= 3 ? i + 2 : i]!;
    out[o + 3] = channels === 4 ? data[i + 3]! : channels === 2 ? data[i + 1]! : 255;
  }
  return out;
}

export function pixelAt(image: Decoded, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(i, i + 4));
}

/** The largest channel difference between two colours (alpha included when both give it). */
export function colorDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.slice(0, Math.min(a.length, b.length)).map((v, i) => Math.abs(v - b[i]!)));
}
