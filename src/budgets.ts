/**
 * The resource limits every reader and renderer checks, in one place: a Worker has 128 MB of memory and a CPU
 * limit, and no input within the documented limits may exhaust either. Past a limit the input is refused with an
 * ApiError naming it: a 400 when it is known at accept, a 422 (refunded) when only processing finds it.
 */
import { ApiError } from "./errors";

/** How deeply the contents of a file may nest: elements of XML/HTML/DOCX, arrays and objects of JSON/YAML. */
export const MAX_FILE_NESTING = 512;

/** Refuses content nested deeper than MAX_FILE_NESTING (parsers and readers recurse, or slow down, with depth). */
export function nestingExceeded(where: string): ApiError {
  return new ApiError(422, `${where}: the file nests deeper than ${MAX_FILE_NESTING} levels`);
}

/** How deeply `text` nests JSON arrays and objects, counted without parsing (strings are skipped). */
export function jsonNestingDepth(text: string): number {
  return jsonShape(text).depth;
}

/**
 * Objects and arrays a request body may hold. Parsing a body makes one JS object per container, and validating it
 * another, before any API's budget can count them. 250,000 holds the largest valid request (a sheet of 200,000
 * cells written as objects, in their rows) and parses and validates within an isolate's 128 MB.
 */
export const MAX_JSON_CONTAINERS = 250_000;

/** How deeply `text` nests JSON arrays and objects, and how many it holds, counted without parsing. */
export function jsonShape(text: string): { depth: number; containers: number } {
  let containers = 0;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) {
        i++;
      } else if (char === 0x22 /* " */) {
        inString = false;
      }
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      containers++;
      depth++;
      if (depth > deepest) {
        deepest = depth;
      }
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth--;
    }
  }
  return { depth: deepest, containers };
}

/**
 * Text files (plain text, Markdown, CSV/TSV, HTML, JSON, YAML, XML, e-mail) read as a whole string and then as a
 * model: at most 5 MiB, so reading and extracting stay well inside 128 MB.
 */
export const MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024;

/** The formats that budget applies to (e-mails are not among them: their size is mostly attachments). */
export const TEXT_FORMATS: ReadonlySet<string> = new Set(["html", "markdown", "mdx", "djot", "org", "rst", "typst", "latex", "bibtex", "text", "csv", "tsv", "json", "ipynb", "xml", "yaml", "toml", "svg"]);

export function textFileTooLarge(where: string, bytes: number): ApiError {
  const mib = (value: number) => (value / 1024 / 1024).toFixed(1);
  return new ApiError(422, `${where}: text files may be at most ${mib(MAX_TEXT_FILE_BYTES)} MiB; this one is ${mib(bytes)} MiB`);
}

/** Paragraphs, headings, list items and table cells one document may hold (a YAML alias bomb expands past it). */
export const MAX_DOCUMENT_CELLS = 200_000;

export function documentTooLarge(where: string): ApiError {
  return new ApiError(422, `${where}: the document holds more than ${MAX_DOCUMENT_CELLS} cells of text; split it`);
}

/**
 * Pixels an image may have: a canvas, and an image input before it is decoded (its header says how many). RGBA
 * is 4 bytes a pixel, and a render holds several copies outside the JS heap (resvg's pixmap and its own copy in
 * wasm memory, which never shrinks; the straight-alpha pixels; the encoder's): under `wrangler dev` an
 * 8,388,608-pixel canvas took the Worker's resident memory up by 188 MiB (370 MiB to AVIF). 4,194,304 (2048 ×
 * 2048, 2560 × 1600; Full HD fits twice) keeps those copies near 64 MB.
 */
export const MAX_IMAGE_PIXELS = 4_194_304;

/**
 * Pixels a rendered canvas may have (image generation): resvg holds its pixmap and a copy of it in wasm memory,
 * besides what it decodes. A 2048 × 2048 canvas took the resident memory up by 140 MiB, a 1024 × 1024 one by 83 MiB;
 * 2,097,152 (Full HD fits) keeps a render near 100 MiB at most.
 */
export const MAX_CANVAS_PIXELS = 2_097_152;

/**
 * Pixels an AVIF may be written with: libavif's encoder needs tens of bytes a pixel (a 4-megapixel canvas to AVIF took
 * the resident memory up by 188 MiB). 3,145,728 (2048 × 1536) holds a 2000 × 1500 photo.
 */
export const MAX_AVIF_PIXELS = 3_145_728;

/** What the parts of one Office archive may inflate to (DOCX and XLSX XML parts), each and together. */
export const MAX_ZIP_ENTRY_BYTES = 8 * 1024 * 1024;
export const MAX_ZIP_TOTAL_BYTES = 16 * 1024 * 1024;

export function decompressionExceeded(where: string, part: string, entryBytes = MAX_ZIP_ENTRY_BYTES, totalBytes = MAX_ZIP_TOTAL_BYTES): ApiError {
  return new ApiError(422, `${where}: ${part} inflates past the decompression budget (${entryBytes / 1024 / 1024} MiB a part, ${totalBytes / 1024 / 1024} MiB in all)`);
}

/**
 * Spreadsheets read by SheetJS, which builds an object for every cell of the whole workbook before anything can
 * count them, so the file is bounded instead (`npm run test:abuse` holds the cases that set these): an XLS file up
 * to 3 MiB, a zipped workbook's parts up to 8 MiB together.
 */
export const MAX_XLS_BYTES = 3 * 1024 * 1024;
export const MAX_SPREADSHEET_ZIP_BYTES = 8 * 1024 * 1024;

/**
 * Word, PowerPoint 97–2003 and Outlook files are OLE2 containers that are read whole: the file and a copy of each
 * stream read are in memory together, so the file is bounded (16 MiB: about 40 MB at the peak).
 */
export const MAX_COMPOUND_FILE_BYTES = 16 * 1024 * 1024;

export function compoundFileTooLarge(where: string, label: string, bytes: number): ApiError {
  return new ApiError(422, `${where}: ${label} files are read up to ${MAX_COMPOUND_FILE_BYTES / 1024 / 1024} MiB (this one is ${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
}

/**
 * What the Flate streams of one PDF may inflate to, together. PDF.js keeps what it inflates, in buffers that grow
 * by doubling: a content stream inflating to 63 MiB took the Worker's resident memory up by 262 MiB under
 * `wrangler dev`, one of 15.9 MiB by 131 MiB (`npm run bench:limits`); 8 MiB keeps a PDF within a 128 MB isolate.
 * Images count too (a dictionary can claim to be one and still be read as a page's content).
 */
export const MAX_PDF_INFLATED_BYTES = 8 * 1024 * 1024;

export function pdfStreamsExceeded(where: string): ApiError {
  return new ApiError(422, `${where}: the PDF's compressed streams inflate past ${MAX_PDF_INFLATED_BYTES / 1024 / 1024} MiB`);
}

/**
 * Pages of one PDF that are read (and billed). Reading costs a few milliseconds a page whatever the page holds
 * (PDF.js parses each page's resources and text layer), and the inflated streams bound what the pages hold
 * together: 2,000 pages stay within a few seconds. A PDF past it is refused before a page is read, and charges
 * nothing: it would cost more than it could be read for.
 */
export const MAX_PDF_PAGES = 2_000;

export function pdfPagesExceeded(where: string, pages: number): ApiError {
  return new ApiError(422, `${where}: the PDF has ${pages.toLocaleString("en")} pages; at most ${MAX_PDF_PAGES.toLocaleString("en")} are read (split it)`);
}

/** How deep e-mails attached to e-mails are read (and billed). */
export const MAX_EMAIL_NESTING = 2;

/** Files of a zip archive read as documents (each within the zip budget), and how deep archives in archives go. */
export const MAX_ARCHIVE_ENTRIES = 100;
export const MAX_ARCHIVE_NESTING = 2;

/** Layouts of a text layer's whole text that auto-scaling may run to find its size. */
export const MAX_AUTO_SCALE_PASSES = 8;

/** Fields × cells the built-in extraction engine may weigh for one request (about 5 s of work). */
export const MAX_EXTRACTION_WORK = 5_000_000;
