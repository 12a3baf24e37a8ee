/**
 * Raster and SVG images → a data URI every part of the pipeline reads. SVG passes through; raster inputs are
 * decoded and re-encoded as PNG by photon, which both checks them (a corrupt file is a 422 naming the input) and
 * turns WebP and GIF into something satori and resvg read.
 */
import { encodeBase64 } from "../base64";
import { ApiError } from "../errors";
import { MAX_IMAGE_PIXELS } from "../budgets";
import { imageDimensions, sniffFormat } from "../inputs/sniff";

function isSvg(bytes: Uint8Array): boolean {
  try {
    return sniffFormat(bytes, "") === "svg";
  } catch {
    return false; // a zip or the like: not an image either, which the decoder below says
  }
}

export async function imageDataUri(bytes: Uint8Array, where: string): Promise<string> {
  if (isSvg(bytes)) {
    return `data:image/svg+xml;base64,${encodeBase64(bytes)}`;
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
    return `data:image/png;base64,${encodeBase64(image.get_bytes())}`;
  } finally {
    image.free();
  }
}
