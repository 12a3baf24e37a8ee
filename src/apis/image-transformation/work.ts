/**
 * The work budget of a transformation: what its operations cost on the image they get, estimated before any of
 * them runs. A unit is about a millisecond of one core of the reference machine (README, Limits): each operation
 * costs its measured milliseconds per megapixel times the megapixels it reads or writes, the size followed through
 * the chain (a resize, crop or rotation changes it for the operations after), and the encoding at the end counts
 * too (`compress_to_size` as the encodes its search may make). A chain past MAX_WORK_UNITS would run past the
 * Worker's CPU limit, so it is refused: at accept when the image's size is in the request, else once it is decoded.
 */
import { ApiError } from "../../errors";
import { MAX_IMAGE_PIXELS } from "../../budgets";
import { decodeBase64 } from "../../base64";
import type { DecodableFormat } from "../../graphics/decode";
import type { EncodableFormat } from "../../graphics/encode";
import { imageDimensions, sniffFormat } from "../../inputs/sniff";
import type { TransformImageRequest, TransformOperation } from "./schema";

/** About 10 s of the reference machine: a third of the 30 s CPU limit (wrangler.toml), leaving room for decoding. */
export const MAX_WORK_UNITS = 10_000;

interface Size {
  width: number;
  height: number;
}

/** Milliseconds per megapixel read, measured on the reference machine (bench/transform.mjs), rounded up. */
const PER_MEGAPIXEL: Partial<Record<TransformOperation["type"], number>> = {
  crop: 8,
  extend: 8,
  flip: 8,
  flop: 8,
  opacity: 8,
  remove_transparency: 8,
  trim: 20,
  grayscale: 40,
  invert_colors: 45,
  gamma: 40,
  threshold: 40,
  auto_contrast: 40,
  tint: 70,
  modulate: 180,
  smart_crop: 110,
  remove_background: 50,
};

/** Encoding, per megapixel written. */
const ENCODE_PER_MEGAPIXEL: Record<EncodableFormat, number> = { png: 60, jpeg: 50, webp: 150, gif: 120, avif: 350, tiff: 20 };
/** The most encodes compress_to_size's search makes (process.ts): an AVIF encode takes up to a second. */
export const MAX_SEARCH_ENCODES = 16;

const megapixels = (size: Size) => (Math.min(size.width * size.height, MAX_IMAGE_PIXELS) / 1_000_000);

function blurCost(sigma: number): number {
  // The exact gaussian's two passes grow with its kernel; past sigma 8 three box passes cost the same whatever sigma.
  // Measured on an opaque image; one with alpha convolves four channels, not three, and is charged so.
  return sigma <= 8 ? 80 + 48 * sigma : 500;
}

/** The size an operation gives, followed as the operations do it (the pixel budget caps each step anyway). */
function sizeAfter(operation: TransformOperation, size: Size): Size {
  switch (operation.type) {
    case "resize": {
      if (operation.fit !== "inside" && operation.fit !== "outside") return { width: operation.width_in_px, height: operation.height_in_px };
      const scales = [operation.width_in_px / size.width, operation.height_in_px / size.height];
      const scale = operation.fit === "inside" ? Math.min(...scales) : Math.max(...scales);
      return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
    }
    case "crop":
    case "smart_crop":
      return { width: Math.min(operation.width_in_px, size.width), height: Math.min(operation.height_in_px, size.height) };
    case "extend":
      return { width: size.width + operation.left_in_px + operation.right_in_px, height: size.height + operation.top_in_px + operation.bottom_in_px };
    case "rotate": {
      const radians = (operation.angle_in_degrees * Math.PI) / 180;
      const [cos, sin] = [Math.abs(Math.cos(radians)), Math.abs(Math.sin(radians))];
      return { width: Math.ceil(size.width * cos + size.height * sin), height: Math.ceil(size.width * sin + size.height * cos) };
    }
    case "upscale":
      return { width: size.width * operation.factor, height: size.height * operation.factor };
    default:
      return size;
  }
}

function operationCost(operation: TransformOperation, before: Size, after: Size): number {
  const read = megapixels(before);
  const written = megapixels(after);
  switch (operation.type) {
    case "blur":
      return read * blurCost(operation.sigma);
    case "sharpen":
      return read * (blurCost(operation.sigma) + 80);
    case "denoise":
      return read * (400 + 34 * operation.size);
    case "resize":
    case "upscale":
      return Math.max(read, written) * 65;
    case "rotate":
      return operation.angle_in_degrees % 90 === 0 ? read * 20 : written * 130;
    case "convert":
    case "compress_to_size":
      return 0;
    default:
      return read * (PER_MEGAPIXEL[operation.type] ?? 180);
  }
}

export interface WorkEstimate {
  units: number;
  /** The operation at which the budget ran out, if it did. */
  over?: number;
}

/** The estimated work of `operations` on an image of `size`, encoded as `format`. */
export function estimateWork(operations: readonly TransformOperation[], size: Size, format: EncodableFormat): WorkEstimate {
  let units = 0;
  let current = size;
  let searching = false;
  for (const [index, operation] of operations.entries()) {
    const next = sizeAfter(operation, current);
    units += operationCost(operation, current, next);
    if (operation.type === "compress_to_size") searching = true;
    current = next;
    if (units > MAX_WORK_UNITS) return { units, over: index };
  }
  units += megapixels(current) * ENCODE_PER_MEGAPIXEL[format] * (searching ? MAX_SEARCH_ENCODES : 1);
  return units > MAX_WORK_UNITS ? { units, over: operations.length - 1 } : { units };
}

export function workExceededMessage(estimate: WorkEstimate, size: Size): string {
  return (
    `the operations would take about ${Math.round(estimate.units).toLocaleString("en")} units of work on this ${size.width} × ${size.height} image ` +
    `(at most ${MAX_WORK_UNITS.toLocaleString("en")}, about ${MAX_WORK_UNITS / 1000} s); use fewer or lighter operations, or resize it first`
  );
}

/** Refuses (422, refunded) a chain past the budget once the image's size is known. */
export function checkWork(operations: readonly TransformOperation[], size: Size, format: EncodableFormat): void {
  const estimate = estimateWork(operations, size, format);
  if (estimate.over !== undefined) throw new ApiError(422, `operations.${estimate.over} (${operations[estimate.over]!.type}): ${workExceededMessage(estimate, size)}`);
}

/** The format a result is written in when no `convert` says otherwise: the input's (SVG becomes PNG, HEIF JPEG: no HEIF encoder runs in Workers). */
export const DEFAULT_OUTPUT: Record<DecodableFormat, EncodableFormat> = { png: "png", jpeg: "jpeg", webp: "webp", gif: "gif", avif: "avif", heic: "jpeg", svg: "png" };

/** The output format: the last `convert`'s, else the input's default. */
export function outputFormat(operations: readonly TransformOperation[], input: DecodableFormat): EncodableFormat {
  const convert = operations.findLast((operation) => operation.type === "convert");
  return convert?.type === "convert" && convert.format !== "heif" ? convert.format : DEFAULT_OUTPUT[input];
}

/** Base64 characters read at accept for the image's header: 48 KB of the file. */
const HEADER_BASE64 = 65_536;

/**
 * The estimate at accept, when the request holds the file: its size from the header in its first 48 KB (a header
 * that is not there is checked after decoding instead). Undefined when it cannot be known yet.
 */
export function estimateAtAccept(input: TransformImageRequest): { estimate: WorkEstimate; size: Size } | undefined {
  if (input.file.type !== "base64") return undefined;
  const prefix = input.file.base64.slice(0, HEADER_BASE64);
  let bytes: Uint8Array;
  let format: string;
  try {
    bytes = decodeBase64(prefix.slice(0, prefix.length - (prefix.length % 4)));
    format = sniffFormat(bytes, input.file.name ?? "");
  } catch {
    return undefined;
  }
  if (!(format in DEFAULT_OUTPUT) || format === "svg") return undefined;
  const size = imageDimensions(bytes);
  if (!size) return undefined;
  return { estimate: estimateWork(input.operations, size, outputFormat(input.operations, format as DecodableFormat)), size };
}
