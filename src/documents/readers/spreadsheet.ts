/**
 * XLSX, XLS (Excel 97–2003 and older BIFF), XLSB and ODS through SheetJS, the one maintained reader of all of them
 * that runs in a Worker (pure JS). A zipped workbook's parts are first inflated and counted by documents/unzip.ts
 * (SheetJS unzips them again, whatever they declare: the count is what keeps a bomb out), within the spreadsheet
 * budgets (budgets.ts): SheetJS holds every cell at once, so the file is bounded before it opens it.
 *
 * Each sheet becomes a `##` heading with its name, then a table of its cells, the first row the header; hidden
 * sheets are read too, their heading saying so. A cell is its text as Excel shows it, except where that would lose
 * what it holds: numbers in the General format keep all their digits (not `1.23457E+14`), booleans are TRUE and
 * FALSE, and dates and times are ISO 8601 (`2024-05-06`, `2024-05-06T13:45:00`, `13:45:00`) whatever their display
 * format, which is often the reader's locale (`m/d/yy` shows 3 October as 10/3 in one country and 3/10 in another). Merged cells keep their
 * value in the top-left cell. Rows are capped while reading, and the non-empty cells count against the document's
 * cell budget. Charts, text boxes, headers and footers follow the sheets (readers/workbook-extras.ts).
 */
import { documentTooLarge, MAX_DOCUMENT_CELLS, MAX_SPREADSHEET_ZIP_BYTES, MAX_XLS_BYTES } from "../../budgets";
import { ApiError } from "../../errors";
import { DocumentBuilder } from "../builder";
import type { DocumentModel } from "../model";
import { readZipParts } from "../unzip";
import { noExtras, writeExtras, xlsExtras, zipExtrasCollector, type WorkbookExtras } from "./workbook-extras";

/** Rows read of one sheet: the document's cell budget spread over a sheet of two columns. */
const MAX_SHEET_ROWS = MAX_DOCUMENT_CELLS / 2;

const LABELS = { xlsx: "XLSX workbook", xls: "XLS workbook", xlsb: "XLSB workbook", ods: "OpenDocument spreadsheet" } as const;

/** The part of a SheetJS cell read here. */
interface Cell {
  t: "b" | "e" | "n" | "d" | "s" | "z";
  v?: unknown;
  w?: string;
  z?: string | number;
}

interface DateCode {
  y: number;
  m: number;
  d: number;
  H: number;
  M: number;
  S: number;
}

type SheetJs = typeof import("@e965/xlsx");

const pad = (value: number) => String(value).padStart(2, "0");

/** A date serial as ISO: the date, the time, or both, as much as the value holds. */
function isoOf(XLSX: SheetJs, serial: number, date1904: boolean): string | undefined {
  const code = XLSX.SSF.parse_date_code(serial, { date1904 }) as DateCode | null;
  if (!code) return undefined;
  const date = `${code.y}-${pad(code.m)}-${pad(code.d)}`;
  const time = `${pad(code.H)}:${pad(code.M)}:${pad(code.S)}`;
  if (serial >= 0 && serial < 1) return time;
  return Number.isInteger(serial) ? date : `${date}T${time}`;
}

function cellText(XLSX: SheetJs, cell: Cell | undefined, date1904: boolean): string {
  if (!cell || cell.v === undefined || cell.v === null) return cell?.w ?? "";
  switch (cell.t) {
    case "b":
      return cell.v ? "TRUE" : "FALSE";
    case "d":
      return cell.v instanceof Date ? cell.v.toISOString().replace(/T00:00:00\.000Z$/, "").replace(/\.000Z$/, "") : String(cell.v);
    case "n": {
      const format = typeof cell.z === "string" ? cell.z : undefined;
      if (format && XLSX.SSF.is_date(format)) return isoOf(XLSX, Number(cell.v), date1904) ?? cell.w ?? String(cell.v);
      if (!format || format === "General") return String(cell.v);
      return cell.w ?? String(cell.v);
    }
    default:
      return cell.w ?? String(cell.v);
  }
}

export async function readSpreadsheet(bytes: Uint8Array, name: string, format: keyof typeof LABELS): Promise<DocumentModel> {
  if (format === "xls" && bytes.length > MAX_XLS_BYTES) {
    throw new ApiError(422, `${name}: XLS workbooks are read up to ${MAX_XLS_BYTES / 1024 / 1024} MiB (this one is ${(bytes.length / 1024 / 1024).toFixed(1)} MiB); save it as XLSX or CSV`);
  }
  const collector = zipExtrasCollector(name);
  if (format !== "xls") readZipParts(bytes, name, () => true, collector.collect, LABELS[format], { entryBytes: MAX_SPREADSHEET_ZIP_BYTES, totalBytes: MAX_SPREADSHEET_ZIP_BYTES });
  const XLSX = await import("@e965/xlsx");
  // Excel 5/95 and older write text in the workbook's code page (its CODEPAGE record): without the code page
  // tables SheetJS reads those bytes as Latin-1 ("\x93short forms\x94" for “short forms”). Loaded for XLS only.
  if (format === "xls") XLSX.set_cptable(await import("@e965/xlsx/dist/cpexcel.full.mjs"));
  let workbook: ReturnType<SheetJs["read"]>;
  try {
    workbook = XLSX.read(bytes, { type: "array", dense: true, cellStyles: false, cellHTML: false, cellNF: true, sheetRows: MAX_SHEET_ROWS });
  } catch (err) {
    const encrypted = err instanceof Error && /password|encrypt/i.test(err.message);
    throw new ApiError(422, `${name}: ${encrypted ? "the workbook is password-protected" : `the file is not a readable ${LABELS[format]}`}`);
  }
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  const builder = new DocumentBuilder(name);
  let cells = 0;
  for (const [index, sheetName] of workbook.SheetNames.entries()) {
    const sheet = workbook.Sheets[sheetName];
    if (!sheet) continue;
    const hidden = (workbook.Workbook?.Sheets?.[index]?.Hidden ?? 0) !== 0;
    builder.heading(2, [{ text: hidden ? `${sheetName} (hidden)` : sheetName }]);
    const data = ((sheet as unknown as { "!data"?: (Cell | undefined)[][] })["!data"] ?? []).filter(Boolean);
    const table = builder.startTable();
    let header = true;
    for (const row of data) {
      const texts = Array.from(row, (cell) => cellText(XLSX, cell, date1904));
      while (texts.length > 0 && texts.at(-1) === "") texts.pop();
      if (texts.length === 0) continue;
      for (const text of texts) if (text !== "") cells++;
      if (cells > MAX_DOCUMENT_CELLS) throw documentTooLarge(name);
      builder.row(texts, table, { header });
      header = false;
    }
  }
  writeExtras(builder, format === "xls" ? await xlsExtrasOrNone(bytes, name) : collector.extras);
  return builder.finish();
}

/** An XLS file's charts, headers and footers; none for a BIFF file SheetJS read that is no compound file (Excel 2–4). */
async function xlsExtrasOrNone(bytes: Uint8Array, name: string): Promise<WorkbookExtras> {
  try {
    return await xlsExtras(bytes, name);
  } catch (err) {
    if (err instanceof ApiError) return noExtras();
    throw err;
  }
}
