/**
 * One document: styles resolved, fonts, images and codes prepared once, then the format's renderer. A renderer's
 * own failure on valid input is a 422 (refunded), never a 500 that echoes its internals.
 */
import { ApiError } from "../../errors";
import type { ProcessDeps, ProcessResult } from "../define";
import { prepare } from "./assets";
import type { GenerateDocumentRequest } from "./schema";
import { resolveStyles } from "./styles";

export const MIME_TYPES = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  epub: "application/epub+zip",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
} as const;

const RENDERERS = {
  pdf: async () => (await import("./pdf")).renderPdf,
  docx: async () => (await import("./docx")).renderDocx,
  epub: async () => (await import("./epub")).renderEpub,
  pptx: async () => (await import("./pptx")).renderPptx,
};

export async function generateDocument(input: GenerateDocumentRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const styles = resolveStyles(input.document.styles);
  const prepared = await prepare(input.document, styles, deps);
  const render = await RENDERERS[input.format]();
  let bytes: Uint8Array;
  try {
    bytes = await render(input.document, styles, prepared);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    console.error(JSON.stringify({ event: "document_render_failed", format: input.format, error: err instanceof Error ? err.message : String(err) }));
    throw new ApiError(422, `document: the ${input.format.toUpperCase()} could not be rendered`);
  }
  return { kind: "binary", bytes, mimeType: MIME_TYPES[input.format] };
}
