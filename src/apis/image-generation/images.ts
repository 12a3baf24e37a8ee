/**
 * Image layer inputs → a PNG (or SVG) data URI the renderer can embed. Raster inputs are decoded and
 * re-encoded by photon, which both checks them (a corrupt file is a 422 naming the layer) and turns WebP and
 * GIF into something every part of the pipeline reads.
 */
import type { ProcessDeps } from "../define";
import { readFileInput } from "../file-input";
import { encodeBase64 } from "../../base64";
import { ApiError } from "../../errors";
import type { Layer } from "./schema";

function isSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  return head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"));
}

export async function loadImageDataUri(layer: Layer, path: string, deps: ProcessDeps): Promise<string> {
  if (layer.type !== "image") {
    throw new Error("not an image layer");
  }
  const where = `${path} (image)`;
  const bytes = await readFileInput(layer.file, where, deps);
  if (isSvg(bytes)) {
    return `data:image/svg+xml;base64,${encodeBase64(bytes)}`;
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
