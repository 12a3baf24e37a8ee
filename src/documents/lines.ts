/**
 * What every reader turns a file into: an ordered list of lines, each made of cells. A line of prose is one
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

/** Collapses whitespace and trims; returns "" for blank text. */
function cleanText(text: string): string {
  return text.replace(/[\u00a0\u2000-\u200b\u202f\u3000]/g, " ").replace(/\s+/g, " ").trim();
}

/** Builds documents line by line; `startTable()` gives the rows that follow one table number. */
export class LineBuilder {
  readonly lines: Line[] = [];
  private nextTable = 1;

  text(text: string): void {
    for (const part of text.split(/\r?\n/)) {
      const cleaned = cleanText(part);
      if (cleaned) {
        this.lines.push({ cells: [cleaned] });
      }
    }
  }

  private gap = false;

  row(cells: string[], table?: number, spans?: [number, number][]): void {
    const cleaned = cells.map(cleanText);
    if (cleaned.every((cell) => cell === "")) {
      return;
    }
    this.lines.push({ cells: cleaned, ...(table !== undefined ? { table } : {}), ...(spans ? { spans } : {}), ...(this.gap ? { afterGap: true } : {}) });
    this.gap = false;
  }

  /** Marks a blank line (or a wide vertical gap) before the next row. */
  blank(): void {
    this.gap = this.lines.length > 0;
  }

  startTable(): number {
    return this.nextTable++;
  }

  /**
   * Gives runs of two or more consecutive multi-cell lines that no reader placed in a table a table number
   * of their own: aligned columns in plain text and PDFs are tables too.
   */
  groupLooseRows(): Line[] {
    let index = 0;
    while (index < this.lines.length) {
      let end = index;
      while (
        end < this.lines.length &&
        this.lines[end]!.table === undefined &&
        this.lines[end]!.cells.length >= 2 &&
        (end === index || !this.lines[end]!.afterGap)
      ) {
        end++;
      }
      if (end - index >= 2) {
        const table = this.startTable();
        for (let row = index; row < end; row++) {
          this.lines[row]!.table = table;
        }
      }
      index = Math.max(end, index + 1);
    }
    return this.lines;
  }
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
