/**
 * Raster and SVG images → an image of the render's ImageStore (a placeholder satori lays out, the file resvg
 * draws). SVG passes through; PNG, JPEG and GIF are decoded by photon, which checks them (a corrupt file is a
 * 422 naming the input) and gives their size, then go to resvg as they are; WebP, AVIF and HEIF (which resvg
 * does not read) are decoded by libwebp, libavif and libheif and go as PNG.
 */
import { ApiError } from "../errors";
import { sniffFormat } from "../inputs/sniff";
import { checkImageHeader, decodeImage } from "./decode";
import { removeUniformBackground, smartCrop } from "./heuristics";
import { encodePng } from "./png";
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
  const format = formatOf(bytes);
  const adjusting = adjust.smartCropTo !== undefined || adjust.removeBackground === true;
  if (format === "svg" && !adjusting) {
    return store.svg(new TextDecoder().decode(bytes));
  }
  if (adjusting || format === "webp" || format === "avif" || format === "heic") {
    // Decoded to pixels (SVG rasterised; WebP, AVIF and HEIF, which resvg does not read, by libwebp, libavif and
    // libheif), adjusted, and handed over as PNG.
    let { raster } = await decodeImage(bytes, where);
    if (adjust.removeBackground) raster = removeUniformBackground(raster, where);
    if (adjust.smartCropTo) {
      const scale = Math.min(1, raster.width / adjust.smartCropTo.width, raster.height / adjust.smartCropTo.height);
      raster = smartCrop(raster, Math.max(1, Math.round(adjust.smartCropTo.width * scale)), Math.max(1, Math.round(adjust.smartCropTo.height * scale)));
    }
    return store.raster(await encodePng(raster.pixels, raster.width, raster.height), raster.width, raster.height);
  }
  const undecodable = new ApiError(422, `${where}: the image could not be decoded (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)`);
  // What photon reads: PNG, JPEG and GIF go to resvg as they are, BMP and TIFF as the PNG photon makes of them.
  if (format !== "png" && format !== "jpeg" && format !== "gif" && format !== "bmp" && format !== "tiff") throw undecodable;
  // Checked from the header, before anything decodes it: a 15 KB PNG can hold 11000 × 11000 pixels (484 MB).
  checkImageHeader(bytes, where);
  const { PhotonImage } = await import("@cf-wasm/photon");
  let image: InstanceType<typeof PhotonImage>;
  try {
    image = PhotonImage.new_from_byteslice(bytes);
  } catch {
    throw undecodable;
  }
  try {
    const file = format === "png" || format === "jpeg" || format === "gif" ? bytes : image.get_bytes();
    return store.raster(file, image.get_width(), image.get_height());
  } finally {
    image.free();
  }
}
