/**
 * One extraction over files already read, shared by document and website extraction: the Workers AI engine when
 * the deployment has the binding (the files go to markdown through it), else the built-in engine over each
 * file's line view; then CALCULATED fields, defaults and `is_required` (finalize.ts), the same for both.
 */
import type { ParsedDocument } from "../documents/lines";
import { ApiError } from "../errors";
import { extractWithAi, type AiBinding } from "./ai";
import { extractBuiltIn } from "./builtin";
import { finalizeExtraction } from "./finalize";
import type { ExtractionData } from "./result";
import type { FieldConfig } from "./schema";

export interface ExtractionFile {
  /** Answered as `source`. */
  name: string;
  /** What the AI engine converts (with its MIME type). */
  bytes: Uint8Array;
  mimeType: string;
  /** The line documents the built-in engine reads (an e-mail gives one per attachment too). */
  read(): Promise<ParsedDocument[]>;
}

export interface ExtractionOptions {
  ai?: AiBinding;
  /** The Workers AI model, when `ai` is set. */
  model: string;
  /** `YYYY-MM-DD`, for the date rules. */
  today: string;
}

export async function runExtraction(files: readonly ExtractionFile[], fields: FieldConfig[], options: ExtractionOptions): Promise<ExtractionData> {
  let data: ExtractionData;
  if (options.ai) {
    data = await extractWithAi(options.ai, options.model, [...files], fields, options.today);
  } else {
    const documents: ParsedDocument[] = [];
    for (const file of files) {
      const read = await file.read();
      if (read[0]?.needsOcr) {
        throw new ApiError(
          422,
          `${file.name}: the file has no text layer (an image or a scanned PDF) and needs OCR, which this deployment does not offer (it has no AI binding)`,
        );
      }
      documents.push(...read);
    }
    data = extractBuiltIn(documents, fields, options.today);
  }
  return finalizeExtraction(fields, data);
}
