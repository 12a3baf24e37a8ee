/**
 * Raster and SVG images → an image of the render's ImageStore (a placeholder satori lays out, the file resvg
 * draws). SVG passes through; raster inputs are decoded by photon, which checks them (a corrupt file is a 422
 * naming the input) and gives their size; PNG, JPEG and GIF files then go to resvg as they are, WebP (which resvg
 * does not read) as the PNG photon makes of it.
 */
import { ApiError } from "../errors";
import { MAX_IMAGE_PIXELS } from "../budgets";
import { imageDimensions, sniffFormat } from "../inputs/sniff";
import type { ImageStore } from "./svg";

function isSvg(bytes: Uint8Array): boolean {
  try {
    return sniffFormat(bytes, "") === "svg";
  } catch {
    return false; // a zip or the like: not an image either, which the decoder below says
  }
}

/** The image as a placeholder of `store`, or a 422 naming `where`. */
export async function loadImage(bytes: Uint8Array, where: string, store: ImageStore): Promise<string> {
  if (isSvg(bytes)) {
    return store.svg(new TextDecoder().decode(bytes));
  }
  // Checked from the header, before anything decodes it: a 15 KB PNG can hold 11000 × 11000 pixels (484 MB).
  const size = imageDimensions(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new ApiError(422, `${where}: the image is ${size.width} × ${size.height} pixels; at most ${MAX_IMAGE_PIXELS} pixels are decoded`);
  }
  const { PhotonImage } = await import("@cf-wasm/photon");
  let image: InstanceType<typeof PhotonImage>;
  try {
    image = PhotonImage.new_from_byteslice(bytes);
  } catch {
    throw new ApiError(422, `${where}: the image could not be decoded (PNG, JPEG, WebP, GIF or SVG expected)`);
  }
  try {
    const format = sniffFormat(bytes, "");
    const file = format === "png" || format === "jpeg" || format === "gif" ? bytes : image.get_bytes();
    return store.raster(file, image.get_width(), image.get_height());
  } finally {
    image.free();
  }
}
