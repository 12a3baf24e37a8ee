/**
 * Renders a validated image request: every layer type of the contract, composited in `index` order onto a
 * transparent canvas (render.ts), then encoded in the requested format (encode.ts).
 */
import type { ProcessDeps, ProcessResult } from "../define";
import { encodeImage, type EncodableFormat } from "./encode";
import { renderLayers } from "./render";
import type { GenerateImageRequest } from "./schema";

export async function generateImage(input: GenerateImageRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const image = await renderLayers(input, deps);
  // The request schema has already refused formats without an encoder.
  const encoded = await encodeImage(image.pixels, image.width, image.height, input.output_format as EncodableFormat);
  return { kind: "binary", bytes: encoded.bytes, mimeType: encoded.mimeType };
}
