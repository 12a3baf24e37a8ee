/**
 * PDF: the text layer through unpdf (PDF.js built for serverless runtimes). Glyph runs are grouped into lines
 * by their baseline and into cells where the horizontal gap is wider than about a character, so columns
 * and tables survive with their x positions. A PDF with pages but (almost) no text is a scan: it needs OCR.
 * Headings are recognised by size: a line of one cell, short, set at least 15% larger than the body text (the
 * size most characters of the document have); the largest such size is level 1, the next level 2, and so on.
 * Weight is not used: PDF.js's text layer does not say which font of a family a run is set in.
 */
import { Unzlib } from "fflate";
import { getDocumentProxy } from "unpdf";
import { MAX_PDF_INFLATED_BYTES, MAX_PDF_PAGES, pdfPagesExceeded, pdfStreamsExceeded } from "../../budgets";
import { ApiError } from "../../errors";
import { findBytes } from "../../inputs/sniff";
import type { MailAttachment } from "./eml";
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";

interface Glyphs {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/**
 * How many bytes a zlib stream inflates to, counted chunk by chunk and given up past `limit` (fflate's streaming
 * inflater: what it emits before any damage or trailing bytes still counts). Fed 1 KB at a time, so one push
 * inflates to at most about 1 MB, whatever the ratio.
 */
function inflatedSize(data: Uint8Array, limit: number): number {
  let total = 0;
  const inflater = new Unzlib((chunk) => {
    total += chunk.length;
  });
  try {
    for (let offset = 0; offset < data.length && total <= limit; offset += 1024) {
      inflater.push(data.subarray(offset, offset + 1024), offset + 1024 >= data.length);
    }
  } catch {
    // A damaged stream: PDF.js decides what to make of it.
  }
  return total;
}

const STREAM = new TextEncoder().encode("stream");
const END_STREAM = new TextEncoder().encode("endstream");

/** The dictionary that ends just before a `stream` keyword: from its `>>` back to the `<<` that opens it (nested ones skipped). */
function streamDictionary(window: string): string {
  const end = window.lastIndexOf(">>");
  if (end < 0) return "";
  let depth = 0;
  for (let i = end + 1; i > 0; i--) {
    if (window[i] === ">" && window[i - 1] === ">") {
      depth++;
      i--;
    } else if (window[i] === "<" && window[i - 1] === "<") {
      depth--;
      i--;
      if (depth === 0) return window.slice(i, end + 2);
    }
  }
  return window.slice(0, end + 2);
}

/**
 * Refuses a PDF whose Flate streams inflate past the budget, before PDF.js inflates (and keeps) them: a 610 KB PDF
 * can carry a 200 MB stream. Streams are found by their keywords in the bytes; each is inflated once, counted and
 * dropped. Every Flate stream counts, images too: a dictionary can say anything, and PDF.js reads a page's
 * content stream whatever its dictionary claims.
 */
async function checkPdfStreams(bytes: Uint8Array, name: string): Promise<void> {
  const latin1 = new TextDecoder("latin1");
  let total = 0;
  for (let at = findBytes(bytes, STREAM, 0); at >= 0; at = findBytes(bytes, STREAM, at + STREAM.length)) {
    const before = latin1.decode(bytes.subarray(Math.max(0, at - 4096), at));
    if (before.endsWith("end")) continue;
    const dictionary = streamDictionary(before);
    if (!/\/(FlateDecode|Fl)\b/.test(dictionary)) continue;
    const start = at + STREAM.length + (bytes[at + STREAM.length] === 0x0d ? 2 : 1);
    const end = findBytes(bytes, END_STREAM, start);
    if (end < 0) break;
    total += inflatedSize(bytes.subarray(start, end), MAX_PDF_INFLATED_BYTES - total);
    if (total > MAX_PDF_INFLATED_BYTES) throw pdfStreamsExceeded(name);
    at = end;
  }
}

/** The PDF opened by PDF.js, once its streams and its page count are within the budgets. */
async function openPdf(bytes: Uint8Array, name: string): Promise<PdfProxy> {
  await checkPdfStreams(bytes, name);
  let pdf: PdfProxy;
  try {
    // PDF.js takes ownership of the buffer it is given (and refuses Node Buffers): hand it a plain copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { useSystemFonts: false, verbosity: 0 });
  } catch (err) {
    const encrypted = err instanceof Error && err.name === "PasswordException";
    throw new ApiError(422, `${name}: ${encrypted ? "the PDF is password-protected" : "the file is not a readable PDF"}`);
  }
  if (pdf.numPages > MAX_PDF_PAGES) {
    await pdf.loadingTask.destroy();
    throw pdfPagesExceeded(name, pdf.numPages);
  }
  return pdf;
}

/** The page count, for billing at accept time. Throws ApiError(422) naming the file when it is not a PDF. */
export async function countPdfPages(bytes: Uint8Array, name: string): Promise<number> {
  const pdf = await openPdf(bytes, name);
  try {
    return pdf.numPages;
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** Sizes are compared to the half point: text set at 11.04 and 10.98 is one size. */
const sizeKey = (size: number) => Math.round(size * 2) / 2;

/** A line that can be a heading: one cell, a few words with a letter, not a sentence. */
function headingCandidate(line: Glyphs[]): boolean {
  if (line.length !== 1) return false;
  const text = line[0]!.text;
  return text.length >= 2 && text.length <= 150 && /\p{L}/u.test(text) && text.split(/\s+/).length <= 20 && !/[.,;:]$/.test(text);
}

/**
 * The heading level of each heading size: the sizes of candidate lines at least 15% above the body size, largest
 * first (levels past 6 are 6). The body size is the size most characters are set in.
 */
function headingLevels(pages: Glyphs[][][]): Map<number, number> {
  const characters = new Map<number, number>();
  for (const lines of pages) for (const line of lines) for (const cell of line) characters.set(sizeKey(cell.size), (characters.get(sizeKey(cell.size)) ?? 0) + cell.text.length);
  let body = 0;
  let most = -1;
  for (const [size, count] of characters) if (count > most) [body, most] = [size, count];
  const sizes = new Set<number>();
  for (const lines of pages) for (const line of lines) if (headingCandidate(line) && sizeKey(line[0]!.size) >= body * 1.15) sizes.add(sizeKey(line[0]!.size));
  return new Map([...sizes].sort((p, q) => q - p).map((size, index) => [size, Math.min(6, index + 1)]));
}

/**
 * A PDF's text, page by page, with each page's comments; and the files embedded in it (its EmbeddedFiles and those
 * of file-attachment annotations), read as documents of their own as an e-mail's attachments are.
 */
export async function readPdf(bytes: Uint8Array, name: string): Promise<{ document: DocumentModel; attachments: MailAttachment[] }> {
  const pdf = await openPdf(bytes, name);
  const builder = new DocumentBuilder(name);
  const attachments = new Map<string, MailAttachment>();
  let characters = 0;
  try {
    // Lines of every page first: heading sizes are known only once the body size of the whole document is.
    const pages: Glyphs[][][] = [];
    const comments: Comment[][] = [];
    /** Embedded files by id, with their names. */
    const fileIds = new Map<string, string>();
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      const glyphs: Glyphs[] = [];
      for (const item of content.items) {
        if (!("str" in item) || item.str.trim() === "") {
          continue;
        }
        const [a, b, , , x, y] = item.transform as number[];
        glyphs.push({ text: item.str, x: x!, y: y!, width: item.width, size: Math.hypot(a!, b!) || item.height || 10 });
        characters += item.str.trim().length;
      }
      pages.push(groupIntoLines(glyphs));
      comments.push(await pageComments(page, fileIds));
      page.cleanup();
    }
    const levels = headingLevels(pages);
    for (const [index, lines] of pages.entries()) {
      if (index > 0) builder.newPage();
      let previous: Glyphs | undefined;
      for (const line of lines) {
        // A gap of more than about two lines is a blank line: it separates blocks.
        const first = line[0]!;
        if (previous && previous.y - first.y > Math.max(previous.size, first.size) * 2.2) builder.blank();
        previous = first;
        const level = headingCandidate(line) ? levels.get(sizeKey(first.size)) : undefined;
        if (level !== undefined) {
          builder.heading(level, [{ text: first.text }]);
          builder.blank();
          continue;
        }
        builder.row(
          line.map((cell) => cell.text),
          undefined,
          { spans: line.map((cell): [number, number] => [cell.x, cell.x + cell.width]) },
        );
      }
      writeComments(builder, comments[index] ?? []);
      builder.blank();
    }
    // The files named in the document's EmbeddedFiles and by file-attachment annotations, fetched by their ids (their
    // streams are within the PDF's inflate budget, counted before PDF.js opened it).
    for (const [id, file] of (await pdf.getAttachments()) ?? []) fileIds.set(id, file.filename ?? id);
    for (const [id, filename] of fileIds) addAttachment(attachments, { filename, content: (await pdf.getAttachmentContent(id)) ?? undefined }, name);
    return { document: builder.finish({ detectTables: true, needsOcr: characters < 8 }), attachments: [...attachments.values()] };
  } catch (err) {
    // PDF.js opens some damaged files and fails only on a page ("End of file inside dictionary"): the input's
    // fault, a 422, never a 500. Our own refusals (budgets) pass as they are.
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, `${name}: the file is not a readable PDF`);
  } finally {
    await pdf.loadingTask.destroy();
  }
}

interface Comment {
  author: string;
  text: string;
}

/** Annotations that carry what a reader wrote: notes, highlights and other markup, stamps, attached files. */
const COMMENTS = new Set(["Text", "FreeText", "Highlight", "Underline", "StrikeOut", "Squiggly", "Square", "Circle", "Line", "Polygon", "PolyLine", "Ink", "Stamp", "Caret", "FileAttachment"]);

/** A page's comments: the text of its markup annotations with their authors (a popup repeats its parent's: left out). */
async function pageComments(page: { getAnnotations(): Promise<unknown[]> }, fileIds: Map<string, string>): Promise<Comment[]> {
  const comments: Comment[] = [];
  type Annotation = { subtype?: string; contentsObj?: { str?: string }; contents?: string; titleObj?: { str?: string }; title?: string; fileId?: string; file?: { filename?: string } };
  for (const annotation of (await page.getAnnotations()) as Annotation[]) {
    if (annotation.subtype === "FileAttachment" && annotation.fileId) fileIds.set(annotation.fileId, annotation.file?.filename ?? annotation.fileId);
    const text = (annotation.contentsObj?.str ?? annotation.contents ?? "").trim();
    if (!COMMENTS.has(annotation.subtype ?? "") || !text) continue;
    comments.push({ author: (annotation.titleObj?.str ?? annotation.title ?? "").trim(), text });
  }
  return comments;
}

/** An embedded file, once. */
function addAttachment(attachments: Map<string, MailAttachment>, file: { filename?: string; content?: Uint8Array }, pdfName: string): void {
  if (!file.content || file.content.length === 0) return;
  const name = (file.filename ?? "").split(/[\\/]/).pop() || `attachment-${attachments.size + 1}`;
  attachments.set(`${name}:${file.content.length}`, { name: `${pdfName}/${name}`, bytes: file.content });
}

/** A page's comments after its text, as PPTX's are: under **Comments:**, each led by its author. */
function writeComments(builder: DocumentBuilder, comments: Comment[]): void {
  if (comments.length === 0) return;
  builder.text([{ text: "Comments:", bold: true }]);
  for (const comment of comments) builder.listItem([...(comment.author ? [{ text: `${comment.author}: `, bold: true }] : []), { text: comment.text }], 0, false);
}

/** Glyph runs → lines (top to bottom) → cells (left to right, merged across narrow gaps). */
function groupIntoLines(glyphs: Glyphs[]): Glyphs[][] {
  const sorted = [...glyphs].sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Glyphs[][] = [];
  for (const glyph of sorted) {
    const current = lines.at(-1);
    if (current && Math.abs(current[0]!.y - glyph.y) <= Math.max(2, glyph.size * 0.4)) {
      current.push(glyph);
    } else {
      lines.push([glyph]);
    }
  }
  return lines.map((line) => {
    line.sort((p, q) => p.x - q.x);
    const cells: Glyphs[] = [];
    for (const glyph of line) {
      const previous = cells.at(-1);
      const gap = previous ? glyph.x - (previous.x + previous.width) : Infinity;
      if (previous && gap < glyph.size * 0.9) {
        const joiner = gap > glyph.size * 0.1 && !previous.text.endsWith(" ") && !glyph.text.startsWith(" ") ? " " : "";
        previous.text += joiner + glyph.text;
        previous.width = glyph.x + glyph.width - previous.x;
      } else {
        cells.push({ ...glyph });
      }
    }
    return cells.map((cell) => ({ ...cell, text: cell.text.trim() }));
  });
}
