/**
 * Office Open XML: DOCX and XLSX are zip archives of XML parts. fflate unzips the parts we need,
 * htmlparser2 (in XML mode) walks them. DOCX paragraphs become lines, tabs split cells and tables keep their
 * rows and columns; every XLSX sheet becomes one table, cells placed by their column letters.
 */
import { unzipSync } from "fflate";
import { Parser } from "htmlparser2";
import { ApiError } from "../../errors";
import { LineBuilder, type ParsedDocument } from "../lines";

const decoder = new TextDecoder();

function unzipParts(bytes: Uint8Array, name: string, wanted: (path: string) => boolean): Record<string, string> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (file) => wanted(file.name) });
  } catch {
    throw new ApiError(422, `${name}: the file is not a readable Office document`);
  }
  return Object.fromEntries(Object.entries(files).map(([path, data]) => [path, decoder.decode(data)]));
}

/** Walks XML with callbacks; tag names keep their namespace prefix (`w:p`). */
export function walkXml(
  xml: string,
  handler: { open?(tag: string, attributes: Record<string, string>): void; close?(tag: string): void; text?(text: string): void },
  xmlMode = true,
): void {
  const parser = new Parser(
    {
      onopentag: (tag, attributes) => handler.open?.(tag, attributes),
      onclosetag: (tag) => handler.close?.(tag),
      ontext: (text) => handler.text?.(text),
    },
    { xmlMode, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(xml);
  parser.end();
}

export function readDocx(bytes: Uint8Array, name: string): ParsedDocument {
  const parts = unzipParts(bytes, name, (path) => path === "word/document.xml");
  const xml = parts["word/document.xml"];
  if (xml === undefined) {
    throw new ApiError(422, `${name}: the file is not a readable DOCX document (word/document.xml is missing)`);
  }
  const builder = new LineBuilder();
  // Nested tables are read as text of the outer cell: only the outermost table (the last entry) keeps rows
  // and columns.
  const tables: { id: number; row: string[] | null }[] = [];
  let paragraph: string[] = [""];
  let inText = false;

  const flushParagraph = () => {
    const cells = paragraph.map((cell) => cell.trim());
    paragraph = [""];
    const table = tables.at(-1);
    if (table?.row) {
      const text = cells.filter(Boolean).join(" ");
      const last = table.row.length - 1;
      table.row[last] = table.row[last] ? `${table.row[last]}\n${text}` : text;
    } else if (cells.length > 1) {
      builder.row(cells);
    } else {
      builder.text(cells[0]!);
    }
  };

  walkXml(xml, {
    open(tag) {
      if (tag === "w:t") {
        inText = true;
      } else if (tag === "w:tab") {
        paragraph.push("");
      } else if (tag === "w:br" || tag === "w:cr") {
        flushParagraph();
      } else if (tag === "w:tbl") {
        tables.unshift({ id: builder.startTable(), row: null });
      } else if (tag === "w:tr" && tables.length === 1) {
        tables[0]!.row = [];
      } else if (tag === "w:tc" && tables.length === 1) {
        tables[0]!.row?.push("");
      }
    },
    text(text) {
      if (inText) {
        paragraph[paragraph.length - 1] += text;
      }
    },
    close(tag) {
      if (tag === "w:t") {
        inText = false;
      } else if (tag === "w:p") {
        flushParagraph();
      } else if (tag === "w:tr" && tables.length === 1) {
        const table = tables[0]!;
        if (table.row) {
          builder.row(table.row.map((cell) => cell.replace(/\n/g, " ")), table.id);
        }
        table.row = null;
      } else if (tag === "w:tbl") {
        tables.shift();
      }
    },
  });
  return { name, pages: 1, lines: builder.groupLooseRows(), needsOcr: false };
}

/** Built-in number formats that are dates or date-times (ECMA-376 18.8.30). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

/** The indexes of `cellXfs` entries (a cell's `s`) whose number format shows a date. */
function dateStyleIndexes(styles: string): Set<number> {
  const customDates = new Set<number>();
  const indexes = new Set<number>();
  let inCellXfs = false;
  let index = 0;
  walkXml(styles, {
    open(tag, attributes) {
      if (tag === "numFmt") {
        // A custom format is a date when it has day/month/year tokens outside quoted text and brackets.
        const code = (attributes.formatCode ?? "").replace(/"[^"]*"|\[[^\]]*\]|\\./g, "");
        if (/[dy]|m{3,}/i.test(code) || (/m/i.test(code) && /[dy]/i.test(code))) customDates.add(Number(attributes.numFmtId));
      }
      if (tag === "cellXfs") inCellXfs = true;
      if (tag === "xf" && inCellXfs) {
        const format = Number(attributes.numFmtId ?? 0);
        if (BUILT_IN_DATE_FORMATS.has(format) || customDates.has(format)) indexes.add(index);
        index++;
      }
    },
    close(tag) {
      if (tag === "cellXfs") inCellXfs = false;
    },
  });
  return indexes;
}

/** An Excel serial day (1900 system) → `YYYY-MM-DD`, with the time when it has one. */
function serialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  const date = new Date(Math.round((serial - 25569) * 86_400_000));
  const iso = date.toISOString();
  return Number.isInteger(serial) ? iso.slice(0, 10) : iso.slice(0, 19);
}

/** `B12` → 1 (zero-based column index). */
function columnIndex(reference: string): number {
  const letters = /^[A-Z]+/.exec(reference)?.[0] ?? "A";
  let index = 0;
  for (const letter of letters) {
    index = index * 26 + (letter.charCodeAt(0) - 64);
  }
  return index - 1;
}

export function readXlsx(bytes: Uint8Array, name: string): ParsedDocument {
  const parts = unzipParts(
    bytes,
    name,
    (path) => path === "xl/sharedStrings.xml" || path === "xl/workbook.xml" || path === "xl/styles.xml" || /^xl\/worksheets\/sheet\d+\.xml$/.test(path),
  );
  const dateStyles = dateStyleIndexes(parts["xl/styles.xml"] ?? "");
  const sheetPaths = Object.keys(parts)
    .filter((path) => path.startsWith("xl/worksheets/"))
    .sort((p, q) => Number(/\d+/.exec(p)![0]) - Number(/\d+/.exec(q)![0]));
  if (sheetPaths.length === 0) {
    throw new ApiError(422, `${name}: the file is not a readable XLSX workbook (no worksheets)`);
  }

  const shared: string[] = [];
  let sharedText: string | null = null;
  let inSharedT = false;
  walkXml(parts["xl/sharedStrings.xml"] ?? "", {
    open(tag) {
      if (tag === "si") sharedText = "";
      if (tag === "t") inSharedT = true;
    },
    text(text) {
      if (inSharedT && sharedText !== null) sharedText += text;
    },
    close(tag) {
      if (tag === "t") inSharedT = false;
      if (tag === "si") {
        shared.push(sharedText ?? "");
        sharedText = null;
      }
    },
  });

  const builder = new LineBuilder();
  for (const path of sheetPaths) {
    const table = builder.startTable();
    let row: string[] | null = null;
    let cell: { column: number; type: string; value: string; date: boolean } | null = null;
    let inValue = false;
    walkXml(parts[path]!, {
      open(tag, attributes) {
        if (tag === "row") row = [];
        if (tag === "c") cell = { column: columnIndex(attributes.r ?? ""), type: attributes.t ?? "n", value: "", date: dateStyles.has(Number(attributes.s ?? -1)) };
        if (tag === "v" || tag === "t") inValue = true;
      },
      text(text) {
        if (inValue && cell) cell.value += text;
      },
      close(tag) {
        if (tag === "v" || tag === "t") inValue = false;
        if (tag === "c" && cell && row) {
          const value =
            cell.type === "s"
              ? (shared[Number(cell.value)] ?? "")
              : cell.type === "b"
                ? cell.value === "1" ? "TRUE" : "FALSE"
                : cell.date && cell.type === "n"
                  ? serialToIso(Number(cell.value)) ?? cell.value
                  : cell.value;
          while (row.length < cell.column) row.push("");
          row[cell.column] = value;
          cell = null;
        }
        if (tag === "row" && row) {
          builder.row(row, table);
          row = null;
        }
      },
    });
  }
  return { name, pages: 1, lines: builder.lines, needsOcr: false };
}
