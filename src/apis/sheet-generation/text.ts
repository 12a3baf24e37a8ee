/**
 * CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote or a line break,
 * quotes doubled) and Markdown (per sheet `## <name>` and a GFM table). Both carry the values as written: numbers
 * as the request wrote them (no grouping, no currency symbol: a CSV reader must be able to read them back),
 * dates as their ISO text, booleans as `true`/`false`, formulas evaluated where Lamina can (else as written).
 * Number formats, styles, widths and merges are presentation and exist only in XLSX.
 */
import Papa from "papaparse";
import type { CellContent } from "./cells";
import { evaluateSheet, type FormulaErrorValue } from "./formulas";
import { formulaSheetOf, layoutSheet, type SheetLayout } from "./layout";
import { sheetName, type GenerateSheetRequest } from "./schema";

/** What a formula shows once evaluated: its number (15 significant digits) or its error; else the formula itself. */
function formulaText(formula: string, result: number | FormulaErrorValue | undefined): string {
  if (result === undefined) return formula;
  return typeof result === "number" ? String(result) : result.error;
}

function textOf(content: CellContent, result: number | FormulaErrorValue | undefined): string {
  switch (content.kind) {
    case "empty":
      return "";
    case "text":
      return content.text;
    case "number":
    case "date":
      return content.written;
    case "boolean":
      return String(content.value);
    case "formula":
      return formulaText(content.formula, result);
  }
}

/** The sheet's rows as text, header first. */
function textRows(layout: SheetLayout): string[][] {
  const cols = layout.columns.length;
  const results = evaluateSheet(formulaSheetOf(layout));
  const body = Array.from({ length: layout.rowCount }, (_, r) => layout.columns.map((_, c) => textOf(layout.cell(r, c).content, results.get((r + 1) * cols + c))));
  return [layout.columns.map((column) => column.name), ...body];
}

export function renderCsv(input: GenerateSheetRequest): string {
  const [header, ...rows] = textRows(layoutSheet(input.sheets[0]!, input.styles?.body?.number_format));
  return `${Papa.unparse({ fields: header!, data: rows }, { newline: "\r\n", quotes: false, escapeFormulae: false })}\r\n`;
}

const markdownCell = (text: string) => text.replaceAll("|", "\\|").replace(/\r\n|\r|\n/g, "<br>");

export function renderMarkdown(input: GenerateSheetRequest): string {
  return input.sheets
    .map((sheet, index) => {
      const [header, ...rows] = textRows(layoutSheet(sheet, input.styles?.body?.number_format));
      const line = (cells: string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
      return [`## ${sheetName(sheet, index)}`, "", line(header!), `| ${header!.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}
