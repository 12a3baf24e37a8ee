/**
 * A sheet as the writers see it: every row padded to the columns and read (`readCell`), merge ranges resolved and
 * checked, the merged value moved to the range's top-left cell. Also what accept needs to know of the formulas:
 * their shape, and how many cells their ranges cover.
 */
import { CellError, readCell, type ReadCell } from "./cells";
import { formulaShapeProblem, parseFormula, rangeCells, type FormulaErrorValue, type FormulaSheet } from "./formulas";
import type { SheetInput } from "./schema";

/** Why a sheet cannot be written, with the path inside the sheet (`rows.3.2.format`). */
export class LayoutError {
  constructor(
    readonly path: (string | number)[],
    readonly message: string,
  ) {}
}

/** A merge, in data-row coordinates (row 0 is the first row under the header), inclusive. */
export interface Merge {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export interface SheetLayout {
  columns: SheetInput["columns"];
  rows: ReadCell[][];
  merges: Merge[];
  /** Cells the evaluable formulas' ranges cover. */
  formulaRangeCells: number;
}

const EMPTY: ReadCell = { content: { kind: "empty" } };

export function layoutSheet(sheet: SheetInput, bodyNumberFormat: string | undefined): SheetLayout {
  const width = sheet.columns.length;
  const rows: ReadCell[][] = [];
  let formulaRangeCells = 0;
  for (const [r, row] of sheet.rows.entries()) {
    if (row.length > width) throw new LayoutError(["rows", r, width], `the row has ${row.length} cells; the sheet has ${width} columns`);
    const cells: ReadCell[] = [];
    for (let c = 0; c < width; c++) {
      const raw = row[c];
      if (raw === undefined) {
        cells.push(EMPTY);
        continue;
      }
      let cell: ReadCell;
      try {
        cell = readCell(raw, bodyNumberFormat);
      } catch (err) {
        if (err instanceof CellError) throw new LayoutError(["rows", r, c, ...err.path], err.message);
        throw err;
      }
      if (cell.content.kind === "formula") {
        const problem = formulaShapeProblem(cell.content.formula);
        if (problem) throw new LayoutError(["rows", r, c, "value"], problem);
        const tree = parseFormula(cell.content.formula);
        if (tree) formulaRangeCells += rangeCells(tree, sheet.rows.length + 1, width);
      }
      cells.push(cell);
    }
    rows.push(cells);
  }
  const merges = resolveMerges(sheet, rows);
  return { columns: sheet.columns, rows, merges, formulaRangeCells };
}

function resolveMerges(sheet: SheetInput, rows: ReadCell[][]): Merge[] {
  const width = sheet.columns.length;
  const merges: (Merge & { declaredAt: [number, number] })[] = [];
  let owners: Int32Array | undefined;
  for (const [r, row] of rows.entries()) {
    for (const [c, cell] of row.entries()) {
      const object = cell.object;
      if (!object || (object.from_col === undefined && object.to_col === undefined && object.from_row === undefined && object.to_row === undefined)) continue;
      const at = (field: string) => ["rows", r, c, field];
      const merge = { c1: object.from_col ?? c, c2: object.to_col ?? c, r1: object.from_row ?? r, r2: object.to_row ?? r };
      if (merge.c2 < merge.c1) throw new LayoutError(at("to_col"), `to_col ${merge.c2} is before from_col ${merge.c1}`);
      if (merge.r2 < merge.r1) throw new LayoutError(at("to_row"), `to_row ${merge.r2} is before from_row ${merge.r1}`);
      if (merge.c2 >= width) throw new LayoutError(at("to_col"), `the merge ends at column ${merge.c2}; the sheet has columns 0 to ${width - 1}`);
      if (merge.r2 >= rows.length) throw new LayoutError(at("to_row"), `the merge ends at row ${merge.r2}; the sheet has rows 0 to ${rows.length - 1}`);
      if (r < merge.r1 || r > merge.r2 || c < merge.c1 || c > merge.c2) {
        throw new LayoutError(at(c < merge.c1 || c > merge.c2 ? "from_col" : "from_row"), `the merge (rows ${merge.r1}–${merge.r2}, columns ${merge.c1}–${merge.c2}) must contain the cell that declares it (row ${r}, column ${c})`);
      }
      if (merge.r1 === merge.r2 && merge.c1 === merge.c2) continue;
      owners ??= new Int32Array(rows.length * width).fill(-1);
      for (let mr = merge.r1; mr <= merge.r2; mr++) {
        for (let mc = merge.c1; mc <= merge.c2; mc++) {
          const other = owners[mr * width + mc]!;
          if (other >= 0) {
            const first = merges[other]!;
            throw new LayoutError(["rows", r, c], `the merge overlaps the one declared at rows.${first.declaredAt[0]}.${first.declaredAt[1]} (at row ${mr}, column ${mc})`);
          }
          owners[mr * width + mc] = merges.length;
          if ((mr !== r || mc !== c) && rows[mr]![mc]!.content.kind !== "empty") {
            throw new LayoutError(["rows", mr, mc], `the cell lies under the merge declared at rows.${r}.${c}; it must be empty`);
          }
        }
      }
      merges.push({ ...merge, declaredAt: [r, c] });
      if (merge.r1 !== r || merge.c1 !== c) {
        rows[merge.r1]![merge.c1] = cell;
        rows[r]![c] = EMPTY;
      }
    }
  }
  return merges.map(({ r1, c1, r2, c2 }) => ({ r1, c1, r2, c2 }));
}

/** The sheet as the formula evaluator reads it: row 0 is the header, the data rows follow (as in the XLSX). */
export function formulaSheetOf(layout: SheetLayout): FormulaSheet {
  const cols = layout.columns.length;
  return {
    rows: layout.rows.length + 1,
    cols,
    at(row, col) {
      if (row === 0) return layout.columns[col]!.name;
      const content = layout.rows[row - 1]![col]!.content;
      switch (content.kind) {
        case "empty":
          return null;
        case "text":
          return content.text;
        case "number":
          return content.number;
        case "boolean":
          return content.value;
        case "date":
          return content.serial;
        case "formula":
          return { formula: content.formula };
      }
    },
  };
}

/** What a formula shows once evaluated: its number (15 significant digits) or its error; else the formula itself. */
export function formulaText(formula: string, result: number | FormulaErrorValue | undefined): string {
  if (result === undefined) return formula;
  return typeof result === "number" ? String(result) : result.error;
}
