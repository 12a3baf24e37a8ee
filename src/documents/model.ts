/**
 * The structured document model every reader produces: pages of blocks (headings with their level, paragraphs of
 * inline runs, nested lists, tables with header rows and spans, images, code blocks). Views are derived from it: the
 * line-and-cell view document extraction reads (lines.ts) and markdown (markdown.ts).
 *
 * Text keeps the reader's line breaks (a `\n` inside a run): the line view splits there, markdown joins.
 * Laid-out text (a PDF line, a fixed-width text line, a key/value row) is a paragraph with `columns`, each with
 * its horizontal span where the reader knows it; runs of such lines that line up become tables (`detected`).
 */

export interface DocumentModel {
  /** The file name, answered as `source`. */
  name: string;
  /** A PDF's pages; every other format is one page. Billing counts them. */
  pages: Page[];
  /** True when the file has no text to read (an image, a scanned PDF): only an OCR-capable engine can read it. */
  needsOcr: boolean;
}

export interface Page {
  blocks: Block[];
}

export type Block = Heading | Paragraph | List | Table | Image | Code;

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
  link?: string;
  /**
   * The run is a note's label (a footnote, an endnote or a comment): where the note is referenced, markdown writes
   * it `[^label]`; leading the note's own text (`definition`), `[^label]: `.
   */
  note?: "reference" | "definition";
}

export interface Heading {
  type: "heading";
  level: 1 | 2 | 3 | 4 | 5 | 6;
  runs: Run[];
}

export interface Column {
  text: string;
  /** Horizontal [start, end] (PDF points, or character positions of a text layout). */
  span?: [number, number];
}

export interface Paragraph {
  type: "paragraph";
  runs: Run[];
  /** How many blockquotes it stands in (a quotation), where the reader knows. */
  quote?: number;
  /** Laid-out text: the line's parts as columns (its runs hold the same text, joined by spaces). */
  columns?: Column[];
  /** A blank line or a wide vertical gap comes before it. */
  gapBefore?: boolean;
}

export interface List {
  type: "list";
  ordered: boolean;
  items: ListItem[];
}

export interface ListItem {
  /** The item's own text, then any nested lists. */
  blocks: Block[];
  /** The label its writer numbered it with (`a)`, `iv.`, `1.2`), where the file says one. */
  label?: string;
}

export interface TableCell {
  text: string;
  runs?: Run[];
  colSpan?: number;
  rowSpan?: number;
  span?: [number, number];
}

export interface TableRow {
  cells: TableCell[];
  header?: boolean;
  gapBefore?: boolean;
}

export interface Table {
  type: "table";
  rows: TableRow[];
  /** Found by lining up laid-out text, not marked up as a table by the file. */
  detected?: boolean;
}

export interface Image {
  type: "image";
  alt: string;
  src?: string;
}

/** Code or other verbatim text (a notebook's code cell, a fenced block), its lines as written. */
export interface Code {
  type: "code";
  text: string;
  /** The language it is written in, where the file says. */
  language?: string;
}

/** The plain text of runs. */
export function runsText(runs: readonly Run[]): string {
  return runs.map(noteText).join("");
}

/** A run's text, a note label written as markdown writes it. */
export function noteText(run: Run): string {
  if (run.note === "reference") return `[^${run.text}]`;
  if (run.note === "definition") return `[^${run.text}]: `;
  return run.text;
}
