/**
 * One extraction: read every file (fetching URL inputs through the guarded fetch), pick the engine (Workers
 * AI when the binding is configured, else the built-in one), then CALCULATED fields, defaults and
 * `is_required`, the same for both.
 */
import { ApiError } from "../../errors";
import type { ProcessDeps, ProcessResult } from "../define";
import { readFileInput } from "../file-input";
import type { ParsedDocument } from "./document";
import { DEFAULT_EXTRACTION_MODEL, extractWithAi, type AiFile } from "./extract/ai";
import { extractBuiltIn } from "./extract/builtin";
import { finalizeExtraction } from "./extract/finalize";
import { readDocuments } from "./readers";
import { detectFormat, MIME_TYPES } from "./readers/detect";
import type { ExtractDocumentRequest } from "./schema";
import { fileName } from "./file-name";

export async function extractDocument(input: ExtractDocumentRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  const files: AiFile[] = [];
  for (const [index, file] of input.files.entries()) {
    const name = fileName(file, index);
    const bytes = await readFileInput(file, `files.${index} (${name})`, deps);
    files.push({ name, bytes, mimeType: "application/octet-stream" });
  }

  let data;
  if (deps.ai) {
    for (const file of files) {
      const format = detectFormat(file.bytes, file.name);
      file.mimeType = format === "image" ? imageMimeType(file.bytes) : MIME_TYPES[format];
    }
    data = await extractWithAi(deps.ai, deps.aiModel ?? DEFAULT_EXTRACTION_MODEL, files, input.schema.fields, today);
  } else {
    const documents: ParsedDocument[] = [];
    for (const file of files) {
      const read = await readDocuments(file.bytes, file.name);
      if (read[0]?.needsOcr) {
        throw new ApiError(
          422,
          `${file.name}: the file has no text layer (an image or a scanned PDF) and needs OCR, which this deployment does not offer (it has no AI binding)`,
        );
      }
      documents.push(...read);
    }
    data = extractBuiltIn(documents, input.schema.fields, today);
  }
  return { kind: "json", data: finalizeExtraction(input.schema.fields, data) };
}

function imageMimeType(bytes: Uint8Array): string {
  if (bytes[0] === 0x89) return "image/png";
  if (bytes[0] === 0xff) return "image/jpeg";
  if (bytes[0] === 0x47) return "image/gif";
  if (bytes[0] === 0x52) return "image/webp";
  if (bytes[0] === 0x42) return "image/bmp";
  return "image/tiff";
}
