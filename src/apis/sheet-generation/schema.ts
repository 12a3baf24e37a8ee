/**
 * The sheet generation request of the wire contract (section 10): a format, sheets of columns and positional rows
 * of cells (bare values or objects with a format, styles and a merge range), header and body styles, and fonts.
 * What a field schema cannot say (cell values against their format, merges, sheet names, formulas, the budgets)
 * `refineGenerateSheet` checks at accept, so a bad request is a 400 naming the path and nothing is charged.
 */
import { z } from "@hono/zod-openapi";
import { HexColorSchema } from "../../graphics/colors";
import { FontDefinitionSchema } from "../../graphics/fonts";
import { MAX_CELL_CHARACTERS, SheetInputError } from "./cells";
import { formulaTermsExceeded, MAX_FORMULA_RANGE_CELLS, MAX_FORMULA_TERMS } from "./formulas";
import { layoutSheet } from "./layout";

/** Limits of one request (see README): what a Worker writes in well under its CPU and memory budget. */
export const MAX_SHEETS = 50;
export const MAX_COLUMNS = 1_000;
export const MAX_ROWS = 100_000;
export const MAX_CELLS = 200_000;
export const MAX_FONTS = 20;
/**
 * Characters of text a request's cells and column names may hold together, a line break counted as 4 (Markdown
 * writes it `<br>`): the written file is built as strings of about that size, and several copies of it are alive
 * while it is joined and encoded.
 */
export const MAX_SHEET_TEXT = 4 * 1024 * 1024;

/** What a cell or column name adds to the text budget: its length, plus 3 for each line break. */
function textWeight(value: string): number {
  let weight = value.length;
  for (let at = value.indexOf("\n"); at !== -1; at = value.indexOf("\n", at + 1)) weight += 3;
  return weight;
}

function cellText(cell: CellInput): string | undefined {
  if (typeof cell === "string") return cell;
  if (cell !== null && typeof cell === "object" && typeof cell.value === "string") return cell.value;
  return undefined;
}

export const CellStyleSchema = z
  .object({
    font_family: z.string().trim().min(1).max(31, "Excel font names have at most 31 characters"),
    font_size_in_pt: z.number().min(1).max(409),
    is_bold: z.boolean(),
    is_italic: z.boolean(),
    font_color: HexColorSchema,
    background_color: HexColorSchema,
    horizontal_alignment: z.enum(["left", "center", "right"]),
    number_format: z.string().min(1).max(255),
  })
  .partial()
  .openapi("CellStyle");
export type CellStyle = z.output<typeof CellStyleSchema>;

export const CELL_FORMATS = ["text", "number", "decimal", "currency", "percentage", "date", "datetime", "time", "custom"] as const;
export const NumberStyleSchema = z.enum(["comma_period", "period_comma", "space_comma", "space_period"]);
export type NumberStyle = z.output<typeof NumberStyleSchema>;

const Index = z.number().int().min(0);
const BareValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const CellObjectSchema = z
  .object({
    value: BareValueSchema.optional(),
    format: z.enum(CELL_FORMATS).optional(),
    currency_code: z.string().regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 code like USD").optional(),
    number_style: NumberStyleSchema.optional(),
    date_style: z.string().min(1).max(255).optional(),
    styles: CellStyleSchema.optional(),
    from_col: Index.optional(),
    to_col: Index.optional(),
    from_row: Index.optional(),
    to_row: Index.optional(),
  })
  .openapi("SheetCellObject");
export type CellObject = z.output<typeof CellObjectSchema>;

export const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), CellObjectSchema]).openapi("SheetCell");
export type CellInput = z.output<typeof CellSchema>;

export const SheetSchema = z
  .object({
    name: z.string().optional(),
    columns: z.array(z.object({ name: z.string().min(1).max(MAX_CELL_CHARACTERS), width: z.number().positive().max(255).optional() })).min(1).max(MAX_COLUMNS),
    rows: z.array(z.array(CellSchema)).max(MAX_ROWS).default([]),
  })
  .openapi("Sheet");
export type SheetInput = z.output<typeof SheetSchema>;

export const GenerateSheetRequestSchema = z.object({
  format: z.enum(["csv", "markdown", "xlsx"]),
  sheets: z.array(SheetSchema).min(1).max(MAX_SHEETS),
  styles: z.object({ header: CellStyleSchema, body: CellStyleSchema }).partial().optional(),
  fonts: z.array(FontDefinitionSchema).max(MAX_FONTS).optional(),
});
export type GenerateSheetRequest = z.output<typeof GenerateSheetRequestSchema>;

/** A sheet's name: the given one, else `Sheet1`, `Sheet2`, … by position. */
export const sheetName = (sheet: SheetInput, index: number) => sheet.name ?? `Sheet${index + 1}`;

/** Why Excel would refuse this sheet name, or undefined. */
function sheetNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "a sheet name cannot be blank";
  if (name.length > 31) return "a sheet name has at most 31 characters";
  if (/[[\]:*?/\\]/.test(name)) return "a sheet name cannot hold any of [ ] : * ? / \\";
  if (name.startsWith("'") || name.endsWith("'")) return "a sheet name cannot begin or end with an apostrophe";
  if (name.toLowerCase() === "history") return "History is reserved by Excel";
  return undefined;
}

export function refineGenerateSheet(input: GenerateSheetRequest, ctx: z.RefinementCtx): void {
  const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (input.format === "csv" && input.sheets.length > 1) {
    fail(["sheets"], `a CSV file holds one sheet; this request has ${input.sheets.length} (use xlsx or markdown for several)`);
    return;
  }
  let cells = 0;
  for (const [index, sheet] of input.sheets.entries()) {
    cells += sheet.rows.length * sheet.columns.length;
    if (cells > MAX_CELLS) {
      fail(["sheets", index, "rows"], `a request holds at most ${MAX_CELLS.toLocaleString("en")} cells (rows × columns, all sheets)`);
      return;
    }
  }
  let text = 0;
  for (const [index, sheet] of input.sheets.entries()) {
    for (const column of sheet.columns) text += textWeight(column.name);
    for (const [r, row] of sheet.rows.entries()) {
      for (const cell of row) {
        const value = cellText(cell);
        if (value !== undefined) text += textWeight(value);
      }
      if (text > MAX_SHEET_TEXT) {
        fail(["sheets", index, "rows", r], `the cells hold more than ${MAX_SHEET_TEXT.toLocaleString("en")} characters of text together (a line break counts 4)`);
        return;
      }
    }
  }
  const names = new Map<string, number>();
  let formulaCells = 0;
  let formulaTerms = 0;
  for (const [index, sheet] of input.sheets.entries()) {
    const name = sheetName(sheet, index);
    const problem = sheetNameProblem(name);
    if (problem) fail(["sheets", index, "name"], problem);
    const other = names.get(name.toLowerCase());
    if (other !== undefined) fail(["sheets", index, "name"], `the name ${name} is taken by sheets.${other}`);
    names.set(name.toLowerCase(), index);
    try {
      const layout = layoutSheet(sheet, input.styles?.body?.number_format);
      formulaCells += layout.formulaRangeCells;
      formulaTerms += layout.formulaTerms;
      if (formulaTerms > MAX_FORMULA_TERMS) {
        fail(["sheets", index], formulaTermsExceeded());
        return;
      }
    } catch (err) {
      if (!(err instanceof SheetInputError)) throw err;
      fail(["sheets", index, ...err.path], err.message);
      return;
    }
  }
  if (formulaCells > MAX_FORMULA_RANGE_CELLS) {
    fail(["sheets"], `the ranges of the formulas cover ${formulaCells.toLocaleString("en")} cells together; at most ${MAX_FORMULA_RANGE_CELLS.toLocaleString("en")}`);
  }
}
