/**
 * A fetched web page as documents and metadata (website extraction; document to markdown for a page): HTML is
 * read for its main content (readers/html.ts, `mainContent`) and its metadata (web-metadata.ts); a URL that
 * answers a document the readers know (a PDF, a DOCX, text) is read as that document; anything else (an image,
 * a video, an archive) is a 422.
 */
import type { z } from "@hono/zod-openapi";
import { MAX_TEXT_FILE_BYTES, textFileTooLarge } from "../budgets";
import { ApiError } from "../errors";
import { fileName as urlFileNameOf, pageName } from "../inputs/file-name";
import type { WebPage } from "../inputs/web-page";
import { MIME_TYPES, type FileFormat } from "../inputs/sniff";
import { toLineDocument } from "./lines";
import type { Block, DocumentModel } from "./model";
import { decodeText } from "./charset";
import { detectFormat, readDocuments } from "./readers";
import { readHtml } from "./readers/html";
import { readPageMetadata, type PageMetadata } from "./web-metadata";
import type { WebsiteMetadataSchema } from "./website-metadata";

export type WebsiteMetadata = z.output<typeof WebsiteMetadataSchema>;

export interface ReadWebPage {
  /** What the page answers to (`source`): the name given, else `widget.html` for a page, `report.pdf` for a document. */
  name: string;
  /** The main content (an e-mail: also its attachments). */
  documents: DocumentModel[];
  /** The page's metadata; for a document, only the fetch's facts. */
  metadata: WebsiteMetadata;
  format: FileFormat;
  /** The page's metadata as read from HTML, for extraction's candidates; undefined for a document. */
  page?: PageMetadata;
}

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
const DOCUMENT_TYPES = new Set(Object.values(MIME_TYPES));

function mediaType(contentType: string | null): { type: string; charset?: string } {
  const [type = "", ...parameters] = (contentType ?? "").split(";");
  const charset = parameters.map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)/i.exec(parameter)?.[1]).find(Boolean);
  return { type: type.trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

/** Words of the documents' text: letters or digits, with inner apostrophes and hyphens (and `120.00`'s point). */
export function countWords(documents: readonly DocumentModel[]): number {
  let count = 0;
  for (const document of documents) {
    for (const line of toLineDocument(document).lines) {
      for (const cell of line.cells) count += cell.match(/[\p{L}\p{N}](?:[\p{L}\p{N}'’-]|[.,](?=\p{N}))*/gu)?.length ?? 0;
    }
  }
  return count;
}

function hasTopHeading(blocks: readonly Block[]): boolean {
  return blocks.some((block) => block.type === "heading" && block.level === 1);
}

/**
 * What a fetched page is: HTML (named `widget.html` unless the request named it), or a document the readers know
 * (named by its URL, `report.pdf`, which also tells its format where the bytes do not); anything else (an image,
 * a video, an archive) is a 422 naming `where`.
 */
export function classifyWebPage(page: WebPage, givenName: string | undefined, where: string): { kind: "html" | "document"; name: string; format: FileFormat } {
  const { type } = mediaType(page.contentType);
  const fileName = givenName ?? urlFileName(page.requestedUrl);
  const sniffed = detectFormat(page.bytes, fileName);
  if (HTML_TYPES.has(type) || ((type === "" || type === "application/octet-stream") && sniffed === "html")) {
    return { kind: "html", name: pageName(page.requestedUrl, givenName), format: "html" };
  }
  // A type we do not know is still read when the bytes say a document (a PDF served as `binary/octet-stream`).
  const known = type === "" || type.startsWith("text/") || DOCUMENT_TYPES.has(type) || sniffed !== "text";
  if (sniffed === "image" || type.startsWith("image/") || !known) {
    throw new ApiError(422, `${where}: ${page.url} answered ${type || "an unnamed type"}, which is neither a web page nor a document Lamina reads`);
  }
  return { kind: "document", name: fileName, format: sniffed };
}

/**
 * Reads the page fetched for `where` (the request field, for errors), named `givenName` when the request named
 * it (`classified`: what the caller already found it to be). A page whose content has no `#` heading gets its title as one, so the markdown says what the page is.
 */
export async function readWebPage(
  page: WebPage,
  givenName: string | undefined,
  where: string,
  classified: ReturnType<typeof classifyWebPage> = classifyWebPage(page, givenName, where),
): Promise<ReadWebPage> {
  const { charset } = mediaType(page.contentType);
  const fetched = {
    requested_url: page.requestedUrl,
    final_url: page.url,
    page_count: 1,
    status_code: page.status,
    content_type: page.contentType,
    body_size: page.bytes.length,
    response_meta: {
      redirects: page.redirects,
      ...optionalHeader(page.headers, "Last-Modified", "last_modified"),
      ...optionalHeader(page.headers, "ETag", "etag"),
      ...optionalHeader(page.headers, "Content-Language", "content_language"),
    },
  };
  const { kind, name, format } = classified;
  if (kind === "html") {
    if (page.bytes.length > MAX_TEXT_FILE_BYTES) throw textFileTooLarge(where, page.bytes.length);
    const html = decodeText(page.bytes, charset, true);
    let document = readHtml(html, name, { mainContent: true, baseUrl: page.url });
    // Landmarks that hold nothing (an empty `<main>` filled by scripts, a body marked up as chrome): the whole page.
    if (document.pages.every((each) => each.blocks.length === 0)) document = readHtml(html, name, { baseUrl: page.url });
    const metadata = readPageMetadata(html, name, page.url, page.headers);
    // Words of the page's own content: counted before its title is added.
    const words = countWords([document]);
    const title = metadata.open_graph.title ?? metadata.page.title;
    const first = document.pages[0]!;
    if (title && !hasTopHeading(first.blocks)) first.blocks.unshift({ type: "heading", level: 1, runs: [{ text: title }] });
    return { name, documents: [document], metadata: { ...fetched, word_count: words, ...metadata }, format, page: metadata };
  }
  const documents = await readDocuments(page.bytes, name);
  if (documents[0]?.needsOcr) {
    throw new ApiError(422, `${where}: ${page.url} answered a document without a text layer (a scan), which needs OCR`);
  }
  return { name, documents, metadata: { ...fetched, word_count: countWords(documents) }, format };
}

const urlFileName = (url: string) => urlFileNameOf({ type: "url", url }, 0);

function optionalHeader(headers: Headers, header: string, key: string): Record<string, string> {
  const value = headers.get(header);
  return value ? { [key]: value } : {};
}
