import { cleanText } from "./builder";
import { runsText, type Block, type DocumentModel, type Run } from "./model";
import { readDocuments } from "./readers";

/**
 * The line view of a document, derived from the structured model: an ordered list of lines, each made of cells. A line of prose is one
 * cell; a table row, a key/value row or a line whose columns are set apart by tabs or wide gaps has several.
 * Rows of one table share a `table` number, so ARRAY fields can read them as rows and columns. Where a reader
 * knows where a cell sits horizontally (PDF glyph positions, columns of a plain-text layout), `spans` holds
 * each cell's [start, end], which lets table rows with empty cells line up with their headers.
 */
export interface Line {
  cells: string[];
  table?: number;
  spans?: [number, number][];
  /** A blank line or a wide vertical gap comes before this line: aligned rows on both sides are separate tables. */
  afterGap?: boolean;
}

export interface ParsedDocument {
  /** The file name answered as `source`. */
  name: string;
  /** Pages counted for billing: a PDF's page count, 1 for everything else. */
  pages: number;
  lines: Line[];
  /** True when the file has no text to read (an image, a scanned PDF): only an OCR-capable engine can read it. */
  needsOcr: boolean;
}

/** The line-and-cell view of a document: what document extraction reads. */
export function toLineDocument(document: DocumentModel): ParsedDocument {
  const lines: Line[] = [];
  let tables = 0;
  const prose = (runs: readonly Run[]) => {
    for (const part of runsText(runs).split(/\r?\n/)) {
      const cleaned = cleanText(part);
      if (cleaned) lines.push({ cells: [cleaned] });
    }
  };
  const spansOf = (cells: readonly { span?: [number, number] }[]) =>
    cells.length > 0 && cells.every((cell) => cell.span) ? { spans: cells.map((cell) => cell.span!) } : {};
  const walk = (blocks: readonly Block[]) => {
    for (const block of blocks) {
      switch (block.type) {
        case "heading":
          prose(block.runs);
          break;
        case "paragraph":
          if (block.columns) {
            lines.push({ cells: block.columns.map((column) => column.text), ...spansOf(block.columns), ...(block.gapBefore ? { afterGap: true } : {}) });
          } else {
            prose(block.runs);
          }
          break;
        case "list":
          for (const item of block.items) walk(item.blocks);
          break;
        case "table": {
          const table = ++tables;
          for (const row of block.rows) {
            lines.push({ cells: row.cells.map((cell) => cell.text), table, ...spansOf(row.cells), ...(row.gapBefore ? { afterGap: true } : {}) });
          }
          break;
        }
        case "image":
          break;
        case "code":
          for (const line of block.text.split("\n")) if (line.trim()) lines.push({ cells: [line.trim()] });
          break;
      }
    }
  };
  for (const page of document.pages) walk(page.blocks);
  return { name: document.name, pages: document.pages.length, lines, needsOcr: document.needsOcr };
}

/** Reads a file (an e-mail: with its attachments) straight to line documents. */
export async function readLineDocuments(bytes: Uint8Array, name: string): Promise<ParsedDocument[]> {
  return (await readDocuments(bytes, name)).map(toLineDocument);
}
