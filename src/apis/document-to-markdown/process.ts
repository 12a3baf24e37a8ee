/**
 * A document → markdown: read by the shared readers into the document model, written out by its markdown view
 * (documents/markdown.ts). An e-mail is its headers and body, then each attachment under its own heading. A URL
 * without a name is a web page (robots.txt obeyed, as website extraction fetches it), and so is a named URL that
 * answers HTML: its main content is converted and its metadata answered beside `data`. An image (or a scan) is
 * described (or read) by the Workers AI binding's `toMarkdown` when the deployment has one, else a 422.
 */
import { MAX_TEXT_FILE_BYTES, textFileTooLarge } from "../../budgets";
import type { DocumentModel } from "../../documents/model";
import { readDocuments } from "../../documents/readers";
import { toMarkdown } from "../../documents/markdown";
import { classifyWebPage, readWebPage } from "../../documents/web-page";
import { ApiError } from "../../errors";
import { fetchFileInput, readFileInput } from "../../inputs/file-input";
import { fileName } from "../../inputs/file-name";
import { isImageFormat, MIME_TYPES, sniffFormat } from "../../inputs/sniff";
import { fetchWebPage } from "../../inputs/web-page";
import { markdownWithAi } from "../../extraction/ai";
import type { AiBinding, ProcessDeps, ProcessResult } from "../define";
import type { ConvertDocumentRequest } from "./schema";

const HTML_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i;

export async function convertDocument(input: ConvertDocumentRequest, deps: ProcessDeps): Promise<ProcessResult> {
  const { file } = input;
  if (file.type === "url") {
    const page = file.name
      ? { ...(await fetchFileInput(file, "file", deps.fetcher)), requestedUrl: file.url }
      : await fetchWebPage(file.url, "file", file.fetch_options, deps.fetcher);
    // A named file is a web page only when it answers HTML; an unnamed URL's answer must be a page or a document.
    if (file.name && !HTML_TYPE.test(page.contentType ?? "")) return convertBytes(page.bytes, file.name, deps);
    const classified = classifyWebPage(page, file.name, "file");
    if (classified.kind === "document") return convertBytes(page.bytes, classified.name, deps);
    const read = await readWebPage(page, file.name, "file", classified);
    return { kind: "json", data: { name: read.name, mime_type: MIME_TYPES.html, markdown: markdownOf(read.documents, read.name) }, metadata: read.metadata };
  }
  return convertBytes(await readFileInput(file, "file", deps.fetcher), fileName(file, 0), deps);
}

async function convertBytes(bytes: Uint8Array, name: string, deps: ProcessDeps): Promise<ProcessResult> {
  const format = sniffFormat(bytes, name);
  if (format === "markdown") {
    // Markdown is already what is asked for: it passes through (within the text-file budget).
    if (bytes.length > MAX_TEXT_FILE_BYTES) throw textFileTooLarge(name, bytes.length);
    return { kind: "json", data: { name, mime_type: MIME_TYPES.markdown, markdown: new TextDecoder().decode(bytes).replace(/^\uFEFF/, "") } };
  }
  const documents = await readDocuments(bytes, name);
  const ai = deps.bindings.AI as AiBinding | undefined;
  if (documents[0]?.needsOcr && ai) {
    const refused = (file: string, reason: string) => new ApiError(422, `file: ${file} could not be described: ${reason}`);
    const [answer] = await markdownWithAi(ai, [{ name, bytes, mimeType: MIME_TYPES[format] }], refused);
    if (!answer) throw refused(name, "the model gave no answer");
    const markdown = answer.text.trim();
    // An image's answer is a description of it; a scan's is its text.
    return { kind: "json", data: { name, mime_type: MIME_TYPES[format], markdown, ...(isImageFormat(format) ? { description: markdown } : {}) } };
  }
  return { kind: "json", data: { name, mime_type: MIME_TYPES[format], markdown: markdownOf(documents, name, format === "zip" ? "File" : "Attachment") } };
}

/** The documents as one markdown: the first, then each other one under a heading naming it (`## File: a/b.pdf`). */
function markdownOf(documents: readonly DocumentModel[], name: string, label = "Attachment"): string {
  const [main, ...attachments] = documents;
  if (!main || main.needsOcr) {
    throw new ApiError(422, `file: ${name} is an image or a scan: describing it needs the Workers AI binding, which this deployment does not have`);
  }
  const parts = [toMarkdown(main)];
  for (const attachment of attachments) {
    // Attachments and an archive's files are named `mail.eml/notes.pdf` (as document extraction's `source` says):
    // the heading says the file.
    parts.push(`## ${label}: ${attachment.name.startsWith(`${name}/`) ? attachment.name.slice(name.length + 1) : attachment.name}\n\n${toMarkdown(attachment)}`);
  }
  return parts.filter(Boolean).join("\n\n");
}
