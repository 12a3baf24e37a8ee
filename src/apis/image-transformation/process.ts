/**
 * Transforms one image: decode (src/graphics/decode.ts), run the operations in order on straight RGBA, encode.
 * `convert` and `compress_to_size` say how the result is encoded, wherever they stand (the last of each
 * counts); every other operation changes pixels, in order.
 */
import { MAX_AVIF_PIXELS } from "../../budgets";
import { ApiError } from "../../errors";
import { decodeImage, type DecodableFormat } from "../../graphics/decode";
import { encodeImage, type EncodableFormat, type EncodedImage } from "../../graphics/encode";
import { encodePng } from "../../graphics/png";
import { rgbaOf } from "../../graphics/colors";
import { flatten, releasePixels, resample, type Raster } from "../../graphics/raster";
import { readFileInput } from "../../inputs/file-input";
import type { ProcessDeps, ProcessResult } from "../define";
import { removeUniformBackground, smartCrop } from "../../graphics/heuristics";
import { PIXEL_OPERATIONS, type OperationContext } from "./operations";
import type { TransformImageRequest, TransformOperation } from "./schema";
import { checkWork, MAX_SEARCH_ENCODES, outputFormat } from "./work";

const HAS_ALPHA = new Set<EncodableFormat>(["png", "webp", "gif", "avif", "tiff"]);
const HAS_QUALITY = new Set<EncodableFormat>(["jpeg", "webp", "avif"]);

interface Encoding {
  format: EncodableFormat;
  /** What chose the format, for errors: the `convert` operation, or the input file. */
  where: string;
  quality?: number;
  maxBytes?: { bytes: number; where: string };
}

function planEncoding(operations: readonly TransformOperation[], input: DecodableFormat): Encoding {
  // The format as the work budget reckons it (work.ts): the last convert's, else the input's default.
  const encoding: Encoding = { format: outputFormat(operations, input), where: "file" };
  operations.forEach((operation, i) => {
    if (operation.type === "convert") {
      encoding.where = `operations.${i} (convert)`;
      encoding.quality = operation.quality;
    } else if (operation.type === "compress_to_size") {
      encoding.maxBytes = { bytes: operation.max_file_size_in_bytes, where: `operations.${i} (compress_to_size)` };
    }
  });
  return encoding;
}

/**
 * The part of the Cloudflare Images binding used here: `segment: "foreground"` (Cloudflare's subject segmentation)
 * turns the background transparent. Declared loosely: the workers-types of this toolchain do not list `segment`.
 */
interface ImagesBinding {
  input(stream: ReadableStream<Uint8Array>): { transform(options: Record<string, unknown>): { output(options: { format: string }): Promise<{ response(): Response }> } };
}

/** The foreground by the Images binding: the picture goes as PNG and comes back as PNG with alpha, the same size. */
async function segmentForeground(images: ImagesBinding, raster: Raster, where: string): Promise<Raster> {
  const png = await encodePng(raster.pixels, raster.width, raster.height);
  let bytes: Uint8Array;
  try {
    const result = await images.input(new Blob([png]).stream()).transform({ segment: "foreground" }).output({ format: "image/png" });
    bytes = new Uint8Array(await result.response().arrayBuffer());
  } catch (err) {
    throw new ApiError(422, `${where}: the Images binding could not segment the image (${err instanceof Error ? err.message : String(err)})`);
  }
  const { raster: cut } = await decodeImage(bytes, where);
  if (cut.width !== raster.width || cut.height !== raster.height) {
    throw new ApiError(422, `${where}: the Images binding answered a ${cut.width} × ${cut.height} image for a ${raster.width} × ${raster.height} one`);
  }
  return cut;
}

async function apply(raster: Raster, operation: TransformOperation, where: string, ctx: OperationContext, deps: ProcessDeps): Promise<Raster> {
  switch (operation.type) {
    case "convert":
    case "compress_to_size":
      return raster;
    case "smart_crop":
      return smartCrop(raster, operation.width_in_px, operation.height_in_px);
    case "remove_background": {
      const images = deps.bindings.IMAGES as ImagesBinding | undefined;
      const cut = images ? await segmentForeground(images, raster, where) : removeUniformBackground(raster, where);
      if (operation.background_hex_color) return flatten(cut, rgbaOf(operation.background_hex_color));
      // Formats without (full) alpha get white, as the contract says.
      return ctx.hasAlpha && ctx.format !== "gif" ? cut : flatten(cut, [255, 255, 255, 255]);
    }
    default: {
      const run = PIXEL_OPERATIONS[operation.type] as (raster: Raster, op: TransformOperation, where: string, ctx: OperationContext) => Raster;
      return run(raster, operation, where, ctx);
    }
  }
}

export async function transformImage(input: TransformImageRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const bytes = await readFileInput(input.file, "file", deps.fetcher);
  const { raster: decoded, format } = await decodeImage(bytes, "file");
  const encoding = planEncoding(input.operations, format);
  checkWork(input.operations, decoded, encoding.format);
  const ctx: OperationContext = { hasAlpha: HAS_ALPHA.has(encoding.format), format: encoding.format };
  let raster = decoded;
  for (const [i, operation] of input.operations.entries()) {
    const next = await apply(raster, operation, `operations.${i} (${operation.type})`, ctx, deps);
    releasePixels(raster, next);
    raster = next;
  }
  if (encoding.format === "avif" && raster.width * raster.height > MAX_AVIF_PIXELS) {
    throw new ApiError(422, `${encoding.where}: AVIF is written for images of at most ${MAX_AVIF_PIXELS} pixels; this one is ${raster.width} × ${raster.height} (resize it first, or choose webp)`);
  }
  const encoded = encoding.maxBytes ? await compressToSize(raster, encoding, encoding.maxBytes) : await encodeImage(raster.pixels, raster.width, raster.height, encoding.format, { quality: encoding.quality });
  return { kind: "binary", bytes: encoded.bytes, mimeType: encoded.mimeType };
}

/**
 * The highest quality whose file fits (a binary search over 1–100; `convert`'s quality, when given, is the
 * ceiling), and when not even quality 1 fits, the largest size that does: the image is scaled down by the square
 * root of how much too big it was, a little more each round. Formats without a quality (PNG, GIF) only scale.
 */
async function compressToSize(raster: Raster, encoding: Encoding, limit: { bytes: number; where: string }): Promise<EncodedImage> {
  let encodes = 0;
  const encode = (image: Raster, quality?: number) => {
    encodes++;
    return encodeImage(image.pixels, image.width, image.height, encoding.format, { quality });
  };
  const bestQuality = async (image: Raster): Promise<{ fit?: EncodedImage; smallest: number }> => {
    if (!HAS_QUALITY.has(encoding.format)) {
      const only = await encode(image);
      return { fit: only.bytes.length <= limit.bytes ? only : undefined, smallest: only.bytes.length };
    }
    let low = 1;
    let high = encoding.quality ?? 100;
    const top = await encode(image, high);
    if (top.bytes.length <= limit.bytes) return { fit: top, smallest: top.bytes.length };
    const bottom = await encode(image, low);
    if (bottom.bytes.length > limit.bytes) return { smallest: bottom.bytes.length };
    let fit = bottom;
    while (high - low > 1 && encodes < MAX_SEARCH_ENCODES) {
      const middle = Math.floor((low + high) / 2);
      const attempt = await encode(image, middle);
      if (attempt.bytes.length <= limit.bytes) {
        low = middle;
        fit = attempt;
      } else {
        high = middle;
      }
    }
    return { fit, smallest: bottom.bytes.length };
  };
  let image = raster;
  let shrink = 0.95;
  for (let round = 0; round < 4 && encodes < MAX_SEARCH_ENCODES; round++) {
    const { fit, smallest } = await bestQuality(image);
    if (fit) return fit;
    const scale = Math.sqrt(limit.bytes / smallest) * shrink;
    const width = Math.floor(image.width * scale);
    const height = Math.floor(image.height * scale);
    if (width < 1 || height < 1) break;
    image = resample(raster, width, height);
    shrink *= 0.9;
  }
  throw new ApiError(422, `${limit.where}: no ${encoding.format.toUpperCase()} of this image fits in ${limit.bytes} bytes`);
}
