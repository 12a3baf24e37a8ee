/**
 * A document → markdown: read by the shared readers into the document model, written out by its markdown view
 * (documents/markdown.ts). An e-mail is its headers and body, then each attachment under its own heading.
 */
import { MAX_TEXT_FILE_BYTES, textFileTooLarge } from "../../budgets";
import { readDocuments } from "../../documents/readers";
import { toMarkdown } from "../../documents/markdown";
import { ApiError } from "../../errors";
import { readFileInput } from "../../inputs/file-input";
import { fileName } from "../../inputs/file-name";
import { MIME_TYPES, sniffFormat } from "../../inputs/sniff";
import type { ProcessDeps, ProcessResult } from "../define";
import type { ConvertDocumentRequest } from "./schema";

export async function convertDocument(input: ConvertDocumentRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const name = fileName(input.file, 0);
  const bytes = await readFileInput(input.file, "file", deps.fetcher);
  const format = sniffFormat(bytes, name);
  if (format === "markdown") {
    // Markdown is already what is asked for: it passes through (within the text-file budget).
    if (bytes.length > MAX_TEXT_FILE_BYTES) throw textFileTooLarge(name, bytes.length);
    return { kind: "json", data: { name, mime_type: MIME_TYPES.markdown, markdown: new TextDecoder().decode(bytes).replace(/^\uFEFF/, "") } };
  }
  const documents = await readDocuments(bytes, name);
  const [main, ...attachments] = documents;
  if (!main || main.needsOcr) {
    throw new ApiError(422, `file: ${name} is an image or a scan: describing it needs the Workers AI binding, which this deployment does not have`);
  }
  const parts = [toMarkdown(main)];
  for (const attachment of attachments) {
    // Attachments are named `mail.eml/notes.pdf` (as document extraction's `source` says): the heading says the file.
    parts.push(`## Attachment: ${attachment.name.startsWith(`${name}/`) ? attachment.name.slice(name.length + 1) : attachment.name}\n\n${toMarkdown(attachment)}`);
  }
  return { kind: "json", data: { name, mime_type: MIME_TYPES[format], markdown: parts.filter(Boolean).join("\n\n") } };
}
