/**
 * Which reader a file needs: the file name's extension first, then the bytes (PDF, zip, image signatures,
 * JSON/XML/HTML/e-mail shapes). Kept apart from the readers so accepting a request (page counting) loads none.
 */
import { unzipSync } from "fflate";
import { ApiError } from "../../../errors";

export type DocumentFormat =
  | "pdf" | "docx" | "xlsx" | "html" | "markdown" | "text" | "csv" | "tsv" | "json" | "xml" | "yaml" | "eml" | "image";

const EXTENSIONS: Record<string, DocumentFormat> = {
  pdf: "pdf", docx: "docx", xlsx: "xlsx", htm: "html", html: "html", xhtml: "html", md: "markdown",
  markdown: "markdown", mdx: "markdown", txt: "text", text: "text", log: "text", csv: "csv", tsv: "tsv", tab: "tsv",
  json: "json", xml: "xml", yaml: "yaml", yml: "yaml", eml: "eml", png: "image", jpg: "image", jpeg: "image",
  gif: "image", webp: "image", bmp: "image", tif: "image", tiff: "image", avif: "image", heic: "image", heif: "image",
};

/** Extensions we do not read (yet); named in the 422 so the caller knows why. */
const UNSUPPORTED = new Set(["doc", "xls", "ppt", "pptx", "odt", "ods", "rtf", "epub", "msg", "pages", "numbers", "key"]);

export const MIME_TYPES: Record<DocumentFormat, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  html: "text/html", markdown: "text/markdown", text: "text/plain", csv: "text/csv", tsv: "text/tab-separated-values",
  json: "application/json", xml: "application/xml", yaml: "application/yaml", eml: "message/rfc822",
  image: "application/octet-stream",
};

function startsWith(bytes: Uint8Array, ...signature: number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/** The format the file name's extension says, or undefined when it says none we know. */
export function formatFromName(name: string): DocumentFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension && EXTENSIONS[extension]) {
    return EXTENSIONS[extension];
  }
  if (extension && UNSUPPORTED.has(extension)) {
    throw new ApiError(422, `${name}: .${extension} files are not supported; send PDF, DOCX, XLSX, HTML, Markdown, text, CSV, TSV, JSON, XML, YAML or EML`);
  }
  return undefined;
}

export function detectFormat(bytes: Uint8Array, name: string): DocumentFormat {
  const byName = formatFromName(name);
  if (byName) return byName;
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) return "pdf";
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) {
    const entries = Object.keys(unzipSafely(bytes));
    if (entries.includes("word/document.xml")) return "docx";
    if (entries.includes("xl/workbook.xml")) return "xlsx";
    throw new ApiError(422, `${name}: a zip archive that is neither DOCX nor XLSX is not supported`);
  }
  if (
    startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) || startsWith(bytes, 0xff, 0xd8, 0xff) || startsWith(bytes, 0x47, 0x49, 0x46) ||
    startsWith(bytes, 0x42, 0x4d) || startsWith(bytes, 0x49, 0x49, 0x2a, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2a) ||
    (startsWith(bytes, 0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57)
  ) {
    return "image";
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 2048)).replace(/^\uFEFF/, "").trimStart();
  if (/^[{[]/.test(head)) return "json";
  if (/^<!doctype html|^<html|^<(body|div|table|p)[\s>]/i.test(head)) return "html";
  if (/^<\?xml|^<[A-Za-z]/.test(head)) return "xml";
  if (/^(received|return-path|from|message-id|mime-version|delivered-to):/im.test(head.split("\n\n")[0] ?? "") && /^subject:/im.test(head)) return "eml";
  return "text";
}

function unzipSafely(bytes: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter: (file) => file.name === "word/document.xml" || file.name === "xl/workbook.xml" });
  } catch {
    return {};
  }
}
