/**
 * Renders a validated image request: every layer type of the contract, composited in `index` order onto a
 * transparent canvas (render.ts), then encoded in the requested format (encode.ts).
 */
import { encodeImage } from "../../graphics/encode";
import type { ProcessDeps, ProcessResult } from "../define";
import { renderLayers } from "./render";
import type { GenerateImageRequest } from "./schema";

export async function generateImage(input: GenerateImageRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const image = await renderLayers(input, deps);
  const encoded = await encodeImage(image.pixels, image.width, image.height, input.output_format);
  return { kind: "binary", bytes: encoded.bytes, mimeType: encoded.mimeType };
}
