/**
 * Dispatch to the reader of each format (the shared sniffer tells which). Every reader gives a DocumentModel.
 */
import { MAX_EMAIL_NESTING, MAX_TEXT_FILE_BYTES, TEXT_FORMATS, textFileTooLarge } from "../../budgets";
import { ApiError } from "../../errors";
import { isImageFormat, sniffFormat, type DocumentFormat } from "../../inputs/sniff";
import { decodeText } from "../charset";
import type { DocumentModel } from "../model";
import { readArchive } from "./archive";
import { readDoc } from "./doc";
import { readEml, type MailAttachment } from "./eml";
import { readMsg } from "./msg";
import { readEpub } from "./epub";
import { readHtml } from "./html";
import { readOdt } from "./odt";
import { readDocx } from "./docx";
import { readPptx } from "./pptx";
import { readPdf } from "./pdf";
import { readPpt } from "./ppt";
import { readRtf } from "./rtf";
import { readSpreadsheet } from "./spreadsheet";
import { readBibtex, readLatex } from "./latex";
import { readMarkup } from "./markup";
import { readNotebookText } from "./notebook";
import { readJson, readToml, readXml, readYaml } from "./structured";
import { readDelimited, readPlainText } from "./text";

/** The reader a file needs: a document format, or "image" for pictures only OCR can read. SVG is read as XML. */
export function detectFormat(bytes: Uint8Array, name: string): DocumentFormat | "image" {
  const format = sniffFormat(bytes, name);
  if (format === "svg") return "xml";
  if (isImageFormat(format)) return "image";
  if (format === "ttf" || format === "otf" || format === "woff" || format === "woff2") {
    throw new ApiError(422, `${name}: a font file is not a document`);
  }
  return format;
}

/** Reads one file; an e-mail gives itself plus one document per readable attachment, an archive its listing plus one per readable file. */
export async function readDocuments(bytes: Uint8Array, name: string, depth = 0): Promise<DocumentModel[]> {
  const format = detectFormat(bytes, name);
  if (TEXT_FORMATS.has(format) && bytes.length > MAX_TEXT_FILE_BYTES) throw textFileTooLarge(name, bytes.length);
  switch (format) {
    case "pdf":
      return withAttachments(await readPdf(bytes, name), depth);
    case "docx":
      return [readDocx(bytes, name)];
    case "doc":
      return [await readDoc(bytes, name)];
    case "xlsx":
    case "xls":
    case "xlsb":
    case "ods":
      return [await readSpreadsheet(bytes, name, format)];
    case "pptx":
      return [readPptx(bytes, name)];
    case "ppt":
      return [await readPpt(bytes, name)];
    case "odt":
      return [readOdt(bytes, name)];
    case "epub":
      return [readEpub(bytes, name)];
    case "rtf":
      return [readRtf(bytes, name)];
    case "html":
      return [readHtml(decodeText(bytes, undefined, true), name)];
    case "markdown":
    case "mdx":
    case "djot":
    case "org":
    case "rst":
    case "typst":
      return [readMarkup(decodeText(bytes), name, format)];
    case "latex":
      return [readLatex(decodeText(bytes), name)];
    case "bibtex":
      return [readBibtex(decodeText(bytes), name)];
    case "ipynb":
      return [readNotebookText(decodeText(bytes), name)];
    case "toml":
      return [readToml(decodeText(bytes), name)];
    case "text":
      return [readPlainText(decodeText(bytes), name)];
    case "csv":
      return [readDelimited(decodeText(bytes), name)];
    case "tsv":
      return [readDelimited(decodeText(bytes), name, "\t")];
    case "json":
      return [readJson(decodeText(bytes), name)];
    case "xml":
      return [readXml(decodeText(bytes, undefined, true), name)];
    case "yaml":
      return [readYaml(decodeText(bytes), name)];
    case "image":
      return [{ name, pages: [{ blocks: [] }], needsOcr: true }];
    case "eml":
      return withAttachments(await readEml(bytes, name), depth);
    case "msg":
      return withAttachments(await readMsg(bytes, name), depth);
    case "zip":
      return readArchive(bytes, name, depth, readDocuments);
  }
}

/** A message and one document per readable attachment, down to MAX_EMAIL_NESTING messages deep. */
async function withAttachments({ document, attachments }: { document: DocumentModel; attachments: MailAttachment[] }, depth: number): Promise<DocumentModel[]> {
  const documents = [document];
  if (depth >= MAX_EMAIL_NESTING) return documents;
  for (const attachment of attachments) {
    try {
      // Attachments only OCR could read (pictures, scans) are left out rather than failing the message.
      documents.push(...(await readDocuments(attachment.bytes, attachment.name, depth + 1)).filter((doc) => !doc.needsOcr));
    } catch (err) {
      // An attachment we cannot read does not spoil the message itself.
      if (!(err instanceof ApiError)) throw err;
    }
  }
  return documents;
}
