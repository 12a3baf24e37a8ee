/**
 * How readers build a DocumentModel: prose, headings and list items as they are met; laid-out lines as
 * column paragraphs (with their spans); table rows by table number, a table taking its place in the document at
 * its first row; blank lines and wide gaps as markers on the next row. `finish()` turns runs of two or more
 * column lines that no reader placed in a table (aligned columns in plain text and PDFs) into detected tables.
 */
import { documentTooLarge, MAX_DOCUMENT_CELLS } from "../budgets";
import { runsText, type Block, type Column, type DocumentModel, type List, type Page, type Run, type Table, type TableCell } from "./model";

/** Collapses whitespace and trims; returns "" for blank text. */
export function cleanText(text: string): string {
  return text.replace(/[\u00a0\u2000-\u200b\u202f\u3000]/g, " ").replace(/\s+/g, " ").trim();
}

const hasText = (runs: readonly Run[]) => cleanText(runsText(runs)) !== "";

/** Adds text to the last run when its formatting is the same, else as a run of its own. */
export function appendRun(runs: Run[], text: string, format: Omit<Run, "text">): void {
  const last = runs.at(-1);
  if (last && last.bold === format.bold && last.italic === format.italic && last.code === format.code && last.link === format.link && !last.note && !format.note) {
    last.text += text;
  } else {
    runs.push({ text, ...format });
  }
}

export interface RowOptions {
  /** Each cell's horizontal [start, end], where the reader knows it. */
  spans?: [number, number][];
  header?: boolean;
  /** Per cell: spans across columns or rows, and formatted runs. */
  cells?: Partial<Pick<TableCell, "colSpan" | "rowSpan" | "runs">>[];
}

export class DocumentBuilder {
  private readonly pages: Page[] = [{ blocks: [] }];
  private readonly tables = new Map<number, Table>();
  private nextTable = 1;
  /** A gap was marked and no row has taken it yet (prose does not). */
  private gap = false;
  /** Whether anything readable has been added: a gap before the first line means nothing. */
  private started = false;
  /** Paragraphs, headings, list items and table cells so far: the reading budget. */
  private cells = 0;

  constructor(private readonly name: string) {}

  /** Counts what a block adds; past the budget the read stops with a 422 naming the file. */
  private spend(cells: number): void {
    this.cells += cells;
    if (this.cells > MAX_DOCUMENT_CELLS) throw documentTooLarge(this.name);
  }

  private get blocks(): Block[] {
    return this.pages.at(-1)!.blocks;
  }

  /** Prose: a paragraph of runs (or plain text); each line of it is a line of the line view. */
  text(text: string | Run[], quote = 0): void {
    const runs = typeof text === "string" ? [{ text }] : text;
    if (!hasText(runs)) return;
    this.spend(1);
    this.blocks.push({ type: "paragraph", runs, ...(quote > 0 ? { quote } : {}) });
    this.started = true;
  }

  heading(level: number, runs: Run[]): void {
    if (!hasText(runs)) return;
    this.spend(1);
    this.blocks.push({ type: "heading", level: Math.min(6, Math.max(1, level)) as 1, runs });
    this.started = true;
  }

  /** A list item at `depth` (0 = top level) of an ordered or unordered list. */
  listItem(runs: Run[], depth: number, ordered: boolean, label?: string): void {
    if (!hasText(runs)) return;
    this.spend(1);
    let container = this.blocks;
    let list: List | undefined;
    for (let level = 0; level <= depth; level++) {
      const last = container.at(-1);
      if (last?.type === "list" && (level < depth || last.ordered === ordered)) {
        list = last;
      } else {
        list = { type: "list", ordered, items: [] };
        container.push(list);
      }
      if (level < depth) {
        if (list.items.length === 0) list.items.push({ blocks: [] });
        container = list.items.at(-1)!.blocks;
      }
    }
    list!.items.push({ blocks: [{ type: "paragraph", runs }], ...(label ? { label } : {}) });
    this.started = true;
  }

  /** A block of code or verbatim text, kept line for line. */
  code(text: string, language?: string): void {
    const trimmed = text.replace(/^\n+|\s+$/g, "");
    if (!trimmed) return;
    this.spend(1);
    this.blocks.push({ type: "code", text: trimmed, ...(language ? { language } : {}) });
    this.started = true;
  }

  image(alt: string, src?: string): void {
    this.spend(1);
    this.blocks.push({ type: "image", alt, ...(src ? { src } : {}) });
  }

  /** A row of cells: of table `table` when given, else a laid-out line. Rows with no text are dropped. */
  row(cells: string[], table?: number, options: RowOptions = {}): void {
    const cleaned = cells.map(cleanText);
    if (cleaned.every((cell) => cell === "")) return;
    this.spend(cleaned.length);
    const gapBefore = this.gap ? { gapBefore: true as const } : {};
    if (table === undefined) {
      const columns: Column[] = cleaned.map((text, i) => ({ text, ...(options.spans?.[i] ? { span: options.spans[i] } : {}) }));
      this.blocks.push({ type: "paragraph", runs: [{ text: cleaned.filter(Boolean).join(" ") }], columns, ...gapBefore });
    } else {
      let block = this.tables.get(table);
      if (!block) {
        block = { type: "table", rows: [] };
        this.tables.set(table, block);
        this.blocks.push(block);
      }
      block.rows.push({
        cells: cleaned.map((text, i) => ({ text, ...(options.spans?.[i] ? { span: options.spans[i] } : {}), ...options.cells?.[i] })),
        ...(options.header ? { header: true } : {}),
        ...gapBefore,
      });
    }
    this.gap = false;
    this.started = true;
  }

  /** Blocks another builder read (a header's, a note's), counted against this one's budget. */
  append(blocks: readonly Block[]): void {
    for (const block of blocks) {
      this.spend(block.type === "table" ? block.rows.reduce((sum, row) => sum + row.cells.length, 0) : 1);
      this.blocks.push(block);
      this.started = true;
    }
  }

  /** Marks a blank line (or a wide vertical gap) before the next row. */
  blank(): void {
    this.gap = this.started;
  }

  startTable(): number {
    return this.nextTable++;
  }

  /** The blocks read so far continue on a new page (PDF). */
  newPage(): void {
    this.pages.push({ blocks: [] });
  }

  finish(options: { detectTables?: boolean; needsOcr?: boolean } = {}): DocumentModel {
    if (options.detectTables) {
      for (const page of this.pages) page.blocks = detectTables(page.blocks);
    }
    return { name: this.name, pages: this.pages, needsOcr: options.needsOcr ?? false };
  }
}

const isColumnLine = (block: Block | undefined): block is Extract<Block, { type: "paragraph" }> & { columns: Column[] } =>
  block?.type === "paragraph" && (block.columns?.length ?? 0) >= 2;

/** Runs of two or more consecutive column lines, no gap inside, become tables. */
function detectTables(blocks: Block[]): Block[] {
  const out: Block[] = [];
  let index = 0;
  while (index < blocks.length) {
    let end = index;
    while (end < blocks.length && isColumnLine(blocks[end]) && (end === index || !(blocks[end] as { gapBefore?: boolean }).gapBefore)) {
      end++;
    }
    if (end - index >= 2) {
      const rows = blocks.slice(index, end).map((block) => {
        const line = block as Extract<Block, { type: "paragraph" }> & { columns: Column[] };
        return { cells: line.columns.map((column) => ({ ...column })), ...(line.gapBefore ? { gapBefore: true as const } : {}) };
      });
      out.push({ type: "table", rows, detected: true });
      index = end;
    } else {
      out.push(blocks[index]!);
      index++;
    }
  }
  return out;
}

/**
 * Splits a line of plain text into cells at tabs and at runs of two or more spaces, keeping each cell's
 * character span, so fixed-width layouts keep their columns.
 */
export function splitColumns(line: string): { cells: string[]; spans: [number, number][] } {
  const cells: string[] = [];
  const spans: [number, number][] = [];
  const pattern = /[^\t ]+(?: [^\t ]+)*/g;
  // Dot leaders (`Carrier ........ DHL`) separate columns like spaces do; the length is kept for the spans.
  const spaced = line.replace(/\u00a0/g, " ").replace(/ ?\.{3,} ?|…+/g, (leader) => " ".repeat(leader.length));
  for (const match of spaced.matchAll(pattern)) {
    cells.push(match[0]);
    spans.push([match.index, match.index + match[0].length]);
  }
  return { cells, spans };
}
