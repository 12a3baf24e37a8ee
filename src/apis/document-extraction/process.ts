/**
 * One document extraction: read every file (fetching URL inputs through the guarded fetcher), then the shared
 * extraction (src/extraction/run.ts) over them.
 */
import { readLineDocuments } from "../../documents/lines";
import { runExtraction, type ExtractionFile } from "../../extraction/run";
import { readFileInput } from "../../inputs/file-input";
import { fileName } from "../../inputs/file-name";
import { MIME_TYPES, sniffFormat } from "../../inputs/sniff";
import type { AiBinding, ProcessDeps, ProcessResult } from "../define";
import type { ExtractDocumentRequest } from "./schema";

export async function extractDocument(input: ExtractDocumentRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const files: ExtractionFile[] = [];
  for (const [index, file] of input.files.entries()) {
    const name = fileName(file, index);
    const bytes = await readFileInput(file, `files.${index} (${name})`, deps.fetcher);
    files.push({ name, bytes, mimeType: MIME_TYPES[sniffFormat(bytes, name)], read: () => readLineDocuments(bytes, name) });
  }
  const data = await runExtraction(files, input.schema.fields, {
    ai: deps.bindings.AI as AiBinding | undefined,
    model: deps.settings.EXTRACTION_AI_MODEL!,
    today: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
  });
  return { kind: "json", data };
}
