/**
 * A sheet as the writers see it: every cell checked once (`readCell`), then read again only when asked (short rows
 * read as empty), merge ranges resolved and checked, the merged value moved to the range's top-left cell. Also
 * what accept needs to know of the formulas: their shape, and how many cells their ranges cover.
 */
import { readCell, SheetInputError, type ReadCell } from "./cells";
import { formulaShapeProblem, formulaTermsExceeded, MAX_FORMULA_TERMS, parseFormula, rangeCells, treeTerms, type FormulaSheet, type FormulaTree } from "./formulas";
import type { SheetInput } from "./schema";

/** A merge, in data-row coordinates (row 0 is the first row under the header), inclusive. */
export interface Merge {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export interface SheetLayout {
  columns: SheetInput["columns"];
  /** Data rows (the header not counted). */
  rowCount: number;
  /** The cell at a data row and column, read when asked: a sheet at the cell limit is not held twice. */
  cell(row: number, col: number): ReadCell;
  merges: Merge[];
  /** Cells the evaluable formulas' ranges cover. */
  formulaRangeCells: number;
  /** Terms of the evaluable formulas' trees. */
  formulaTerms: number;
  /** Every formula's tree (undefined: not one Lamina evaluates), by `row * cols + col` with row 0 the header. */
  formulas: Map<number, FormulaTree | undefined>;
}

const EMPTY: ReadCell = { content: { kind: "empty" } };

/** Layouts already made: accept lays a sheet out to check it, and a sync request's writer gets the same object. */
const LAYOUTS = new WeakMap<SheetInput, { bodyNumberFormat: string | undefined; layout: SheetLayout }>();

export function layoutSheet(sheet: SheetInput, bodyNumberFormat: string | undefined): SheetLayout {
  const known = LAYOUTS.get(sheet);
  if (known && known.bodyNumberFormat === bodyNumberFormat) return known.layout;
  const layout = makeLayout(sheet, bodyNumberFormat);
  LAYOUTS.set(sheet, { bodyNumberFormat, layout });
  return layout;
}

const hasMerge = (cell: ReadCell) => {
  const object = cell.object;
  return object !== undefined && (object.from_col !== undefined || object.to_col !== undefined || object.from_row !== undefined || object.to_row !== undefined);
};

function makeLayout(sheet: SheetInput, bodyNumberFormat: string | undefined): SheetLayout {
  const width = sheet.columns.length;
  const read = (r: number, c: number): ReadCell => {
    const raw = sheet.rows[r]![c];
    return raw === undefined ? EMPTY : readCell(raw, bodyNumberFormat);
  };
  // One pass checks every cell and notes where the formulas and the merges are; nothing read is kept.
  const formulaAt: number[] = [];
  const declared: [number, number, ReadCell][] = [];
  for (const [r, row] of sheet.rows.entries()) {
    if (row.length > width) throw new SheetInputError(["rows", r, width], `the row has ${row.length} cells; the sheet has ${width} columns`);
    for (let c = 0; c < row.length; c++) {
      let cell: ReadCell;
      try {
        cell = read(r, c);
      } catch (err) {
        if (err instanceof SheetInputError) throw new SheetInputError(["rows", r, c, ...err.path], err.message);
        throw err;
      }
      if (cell.content.kind === "formula") {
        const problem = formulaShapeProblem(cell.content.formula);
        if (problem) throw new SheetInputError(["rows", r, c, "value"], problem);
        formulaAt.push(r * width + c);
      }
      if (hasMerge(cell)) declared.push([r, c, cell]);
    }
  }
  const rowCount = sheet.rows.length;
  const { merges, moved } = resolveMerges(declared, width, rowCount, read);
  const cell = (r: number, c: number) => moved.get(r * width + c) ?? read(r, c);
  // Parsed once, where the cells finally are (a merge moves its value), for the budget and for the evaluator.
  const formulas = new Map<number, FormulaTree | undefined>();
  let formulaRangeCells = 0;
  let formulaTerms = 0;
  const positions = formulaAt.filter((position) => !moved.has(position));
  for (const [position, value] of moved) if (value.content.kind === "formula") positions.push(position);
  for (const at of positions) {
    const content = cell(Math.floor(at / width), at % width).content as Extract<ReadCell["content"], { kind: "formula" }>;
    const tree = parseFormula(content.formula);
    if (tree) {
      formulaRangeCells += rangeCells(tree, rowCount + 1, width);
      formulaTerms += treeTerms(tree);
      if (formulaTerms > MAX_FORMULA_TERMS) throw new SheetInputError(["rows", Math.floor(at / width), at % width, "value"], formulaTermsExceeded());
    }
    formulas.set(at + width, tree);
  }
  return { columns: sheet.columns, rowCount, cell, merges, formulaRangeCells, formulaTerms, formulas };
}

/** The merges, checked: in range, containing their cell, not overlapping, over empty cells. `moved` holds the cells whose content a merge moved (to the top-left) or emptied. */
function resolveMerges(declared: [number, number, ReadCell][], width: number, rowCount: number, read: (r: number, c: number) => ReadCell) {
  const merges: (Merge & { declaredAt: readonly [number, number] })[] = [];
  const moved = new Map<number, ReadCell>();
  let owners: Int32Array | undefined;
  for (const [r, c, cell] of declared) {
    const object = cell.object!;
    const at = (field: string) => ["rows", r, c, field];
    const merge = { c1: object.from_col ?? c, c2: object.to_col ?? c, r1: object.from_row ?? r, r2: object.to_row ?? r };
    if (merge.c2 < merge.c1) throw new SheetInputError(at("to_col"), `to_col ${merge.c2} is before from_col ${merge.c1}`);
    if (merge.r2 < merge.r1) throw new SheetInputError(at("to_row"), `to_row ${merge.r2} is before from_row ${merge.r1}`);
    if (merge.c2 >= width) throw new SheetInputError(at("to_col"), `the merge ends at column ${merge.c2}; the sheet has columns 0 to ${width - 1}`);
    if (merge.r2 >= rowCount) throw new SheetInputError(at("to_row"), `the merge ends at row ${merge.r2}; the sheet has rows 0 to ${rowCount - 1}`);
    if (r < merge.r1 || r > merge.r2 || c < merge.c1 || c > merge.c2) {
      throw new SheetInputError(at(c < merge.c1 || c > merge.c2 ? "from_col" : "from_row"), `the merge (rows ${merge.r1}–${merge.r2}, columns ${merge.c1}–${merge.c2}) must contain the cell that declares it (row ${r}, column ${c})`);
    }
    if (merge.r1 === merge.r2 && merge.c1 === merge.c2) continue;
    owners ??= new Int32Array(rowCount * width).fill(-1);
    for (let mr = merge.r1; mr <= merge.r2; mr++) {
      for (let mc = merge.c1; mc <= merge.c2; mc++) {
        const other = owners[mr * width + mc]!;
        if (other >= 0) {
          const first = merges[other]!;
          throw new SheetInputError(["rows", r, c], `the merge overlaps the one declared at rows.${first.declaredAt[0]}.${first.declaredAt[1]} (at row ${mr}, column ${mc})`);
        }
        owners[mr * width + mc] = merges.length;
        if ((mr !== r || mc !== c) && read(mr, mc).content.kind !== "empty") {
          throw new SheetInputError(["rows", mr, mc], `the cell lies under the merge declared at rows.${r}.${c}; it must be empty`);
        }
      }
    }
    merges.push({ ...merge, declaredAt: [r, c] });
    if (merge.r1 !== r || merge.c1 !== c) {
      moved.set(merge.r1 * width + merge.c1, cell);
      moved.set(r * width + c, EMPTY);
    }
  }
  return { merges: merges as Merge[], moved };
}

/** The sheet as the formula evaluator reads it: row 0 is the header, the data rows follow (as in the XLSX). */
export function formulaSheetOf(layout: SheetLayout): FormulaSheet {
  const cols = layout.columns.length;
  return {
    rows: layout.rowCount + 1,
    cols,
    formulas: layout.formulas,
    at(row, col) {
      if (row === 0) return layout.columns[col]!.name;
      const content = layout.cell(row - 1, col).content;
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
