/**
 * One extraction: read every file (fetching URL inputs through the guarded fetch), pick the engine (Workers
 * AI when the binding is configured, else the built-in one), then CALCULATED fields, defaults and
 * `is_required`, the same for both.
 */
import { readLineDocuments, type ParsedDocument } from "../../documents/lines";
import { ApiError } from "../../errors";
import { readFileInput } from "../../inputs/file-input";
import { fileName } from "../../inputs/file-name";
import { MIME_TYPES, sniffFormat } from "../../inputs/sniff";
import type { AiBinding, ProcessDeps, ProcessResult } from "../define";
import { extractWithAi, type AiFile } from "./extract/ai";
import { extractBuiltIn } from "./extract/builtin";
import { finalizeExtraction } from "./extract/finalize";
import type { ExtractDocumentRequest } from "./schema";

export async function extractDocument(input: ExtractDocumentRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  const files: AiFile[] = [];
  for (const [index, file] of input.files.entries()) {
    const name = fileName(file, index);
    const bytes = await readFileInput(file, `files.${index} (${name})`, deps.fetcher);
    files.push({ name, bytes, mimeType: "application/octet-stream" });
  }

  let data;
  const ai = deps.bindings.AI as AiBinding | undefined;
  if (ai) {
    for (const file of files) {
      file.mimeType = MIME_TYPES[sniffFormat(file.bytes, file.name)];
    }
    data = await extractWithAi(ai, deps.settings.EXTRACTION_AI_MODEL!, files, input.schema.fields, today);
  } else {
    const documents: ParsedDocument[] = [];
    for (const file of files) {
      const read = await readLineDocuments(file.bytes, file.name);
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

