/**
 * Raster and SVG images → an image of the render's ImageStore (a placeholder satori lays out, the file resvg
 * draws). SVG passes through; PNG, JPEG and GIF are decoded by photon, which checks them (a corrupt file is a
 * 422 naming the input) and gives their size, then go to resvg as they are; WebP, AVIF and HEIF (which resvg
 * does not read) are decoded by libwebp, libavif and libheif and go as PNG.
 */
import { ApiError } from "../errors";
import { MAX_IMAGE_PIXELS } from "../budgets";
import { imageDimensions, sniffFormat } from "../inputs/sniff";
import { encodePngStreaming } from "./png";
import type { ImageStore } from "./svg";

function formatOf(bytes: Uint8Array): string | undefined {
  try {
    return sniffFormat(bytes, "");
  } catch {
    return undefined; // a zip or the like: not an image either, which the decoder below says
  }
}

export interface ImageAdjustments {
  /** Crop to this box's aspect where the picture is busiest (graphics/heuristics.ts), not at the centre. */
  smartCropTo?: { width: number; height: number };
  /** Make a uniform background touching the borders transparent (graphics/heuristics.ts). */
  removeBackground?: boolean;
}

/** The image as a placeholder of `store`, or a 422 naming `where`. */
export async function loadImage(bytes: Uint8Array, where: string, store: ImageStore, adjust: ImageAdjustments = {}): Promise<string> {
  if (adjust.smartCropTo || adjust.removeBackground) {
    // Decoded (SVG rasterised) to pixels, adjusted, and handed over as PNG.
    const { decodeImage } = await import("./decode");
    const { removeUniformBackground, smartCrop } = await import("./heuristics");
    let { raster } = await decodeImage(bytes, where);
    if (adjust.removeBackground) raster = removeUniformBackground(raster, where);
    if (adjust.smartCropTo) {
      const scale = Math.min(1, raster.width / adjust.smartCropTo.width, raster.height / adjust.smartCropTo.height);
      raster = smartCrop(raster, Math.max(1, Math.round(adjust.smartCropTo.width * scale)), Math.max(1, Math.round(adjust.smartCropTo.height * scale)));
    }
    return store.raster(encodePngStreaming(raster.pixels, raster.width, raster.height, 1), raster.width, raster.height);
  }
  if (formatOf(bytes) === "svg") {
    return store.svg(new TextDecoder().decode(bytes));
  }
  // Checked from the header, before anything decodes it: a 15 KB PNG can hold 11000 × 11000 pixels (484 MB).
  const size = imageDimensions(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new ApiError(422, `${where}: the image is ${size.width} × ${size.height} pixels; at most ${MAX_IMAGE_PIXELS} pixels are decoded`);
  }
  const format = formatOf(bytes);
  if (format === "webp" || format === "avif" || format === "heic") {
    // resvg reads none of them: decoded (by libwebp, libavif, libheif) and handed over as PNG.
    const { decodeImage } = await import("./decode");
    const { raster } = await decodeImage(bytes, where);
    return store.raster(encodePngStreaming(raster.pixels, raster.width, raster.height, 1), raster.width, raster.height);
  }
  const { PhotonImage } = await import("@cf-wasm/photon");
  let image: InstanceType<typeof PhotonImage>;
  try {
    image = PhotonImage.new_from_byteslice(bytes);
  } catch {
    throw new ApiError(422, `${where}: the image could not be decoded (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)`);
  }
  try {
    const file = format === "png" || format === "jpeg" || format === "gif" ? bytes : image.get_bytes();
    return store.raster(file, image.get_width(), image.get_height());
  } finally {
    image.free();
  }
}
