/**
 * Formulas. Every formula is checked for shape at accept (closed quotes and brackets, Excel's 8,192 characters and 64
 * levels), then XLSX writes it as written. Lamina evaluates a subset itself, for the cached results of XLSX and
 * for CSV and Markdown: numbers, TRUE/FALSE, A1 references and ranges of the same sheet (`B2`, `$B$2`, `B2:D9`,
 * `B:B`), + - * / ^ %, parentheses, and SUM, AVERAGE, COUNT, MIN and MAX, with the spreadsheet rules (in a range
 * SUM skips text, booleans and empty cells and COUNT counts numbers; an empty cell is 0 in arithmetic; numeric
 * text is a number; AVERAGE of nothing is #DIV/0!). Anything else (another function, text, comparisons, other
 * sheets, names), a cycle, or a formula that reads one of those, is not evaluated: it is emitted as written.
 *
 * The work is bounded: the cells the evaluated formulas' ranges cover, together, are counted at accept
 * (MAX_FORMULA_RANGE_CELLS), and so are the terms of their trees (MAX_FORMULA_TERMS, the memory the trees hold);
 * evaluation runs in dependency order without recursion over cells, and a chain of operators (`A1+A2+…`, `1%%%…`)
 * is evaluated in a loop, not by recursing once per operator.
 */

export const MAX_FORMULA_CHARACTERS = 8_192;
export const MAX_FORMULA_NESTING = 64;
/** Cells the ranges of a request's evaluated formulas may cover, together (a few tens of milliseconds of work). */
export const MAX_FORMULA_RANGE_CELLS = 2_000_000;
/** Terms (numbers, references, ranges, operators, calls) of a request's evaluated formulas' trees, together. */
export const MAX_FORMULA_TERMS = 500_000;

const MAX_ROW = 1_048_576;
const MAX_COLUMN = 16_384;

export type ErrorCode = "#DIV/0!" | "#VALUE!" | "#NUM!";
export interface FormulaErrorValue {
  error: ErrorCode;
}
export type Value = number | string | boolean | null | FormulaErrorValue;

export type FormulaTree = Node;

type Node =
  | { t: "num"; v: number }
  | { t: "bool"; v: boolean }
  | { t: "ref"; row: number; col: number }
  | { t: "range"; r1: number; c1: number; r2: number; c2: number }
  | { t: "neg"; e: Node }
  | { t: "pct"; e: Node; times: number }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "call"; fn: string; args: Node[] };

/** The shape problem of a formula (`=` included), or undefined when Excel will read its brackets and quotes. */
export function formulaShapeProblem(formula: string): string | undefined {
  if (formula.length > MAX_FORMULA_CHARACTERS) return `a formula has at most ${MAX_FORMULA_CHARACTERS} characters`;
  let depth = 0;
  for (let i = 1; i < formula.length; i++) {
    const char = formula[i];
    if (char === '"' || char === "'") {
      const close = formula.indexOf(char, i + 1);
      if (close < 0) return `the formula has an unclosed ${char}`;
      i = close;
    } else if (char === "(") {
      if (++depth > MAX_FORMULA_NESTING) return `a formula nests at most ${MAX_FORMULA_NESTING} levels of parentheses`;
    } else if (char === ")") {
      if (--depth < 0) return "the formula closes a parenthesis it never opened";
    }
  }
  return depth === 0 ? undefined : "the formula leaves a parenthesis open";
}

const TOKEN = /\s*(?:(\$?[A-Za-z]{1,3}\$?\d+)|(\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})(?![\w(])|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_][\w.]*)|([-+*/^%(),:]))/y;

type Token = { kind: "ref" | "cols" | "num" | "name" | "op"; text: string };

function tokenize(formulaBody: string): Token[] | undefined {
  const body = formulaBody.trimEnd();
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(body);
    if (!match || TOKEN.lastIndex === start) return undefined;
    const [, ref, cols, num, name, op] = match;
    if (ref !== undefined) tokens.push({ kind: "ref", text: ref });
    else if (cols !== undefined) tokens.push({ kind: "cols", text: cols });
    else if (num !== undefined) tokens.push({ kind: "num", text: num });
    else if (name !== undefined) tokens.push({ kind: "name", text: name });
    else tokens.push({ kind: "op", text: op! });
  }
  return tokens;
}

function columnIndex(letters: string): number {
  let index = 0;
  for (const char of letters.toUpperCase()) index = index * 26 + (char.charCodeAt(0) - 64);
  return index - 1;
}

function parseRef(text: string): { row: number; col: number } | undefined {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(text)!;
  const col = columnIndex(match[1]!);
  const row = Number(match[2]) - 1;
  if (col >= MAX_COLUMN || row < 0 || row >= MAX_ROW) return undefined;
  return { row, col };
}

class Unsupported extends Error {}

const FUNCTIONS = new Set(["SUM", "AVERAGE", "COUNT", "MIN", "MAX"]);

/** The formula's tree when Lamina can evaluate it, else undefined. */
export function parseFormula(formula: string): Node | undefined {
  const tokens = tokenize(formula.slice(1));
  if (!tokens || tokens.length === 0) return undefined;
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (text: string) => peek()?.kind === "op" && peek()!.text === text;
  const expect = (text: string) => {
    if (!isOp(text)) throw new Unsupported();
    at++;
  };
  const primary = (): Node => {
    const token = tokens[at++];
    if (!token) throw new Unsupported();
    switch (token.kind) {
      case "num":
        return { t: "num", v: Number(token.text) };
      case "ref": {
        if (isOp("(")) throw new Unsupported();
        const first = parseRef(token.text);
        if (!first) throw new Unsupported();
        if (!isOp(":")) return { t: "ref", ...first };
        at++;
        const next = tokens[at++];
        const second = next?.kind === "ref" ? parseRef(next.text) : undefined;
        if (!second) throw new Unsupported();
        return { t: "range", r1: Math.min(first.row, second.row), c1: Math.min(first.col, second.col), r2: Math.max(first.row, second.row), c2: Math.max(first.col, second.col) };
      }
      case "cols": {
        const [a, b] = token.text.replaceAll("$", "").split(":").map(columnIndex) as [number, number];
        if (Math.max(a, b) >= MAX_COLUMN) throw new Unsupported();
        return { t: "range", r1: 0, c1: Math.min(a, b), r2: MAX_ROW - 1, c2: Math.max(a, b) };
      }
      case "name": {
        const name = token.text.toUpperCase();
        if (!isOp("(")) {
          if (name === "TRUE" || name === "FALSE") return { t: "bool", v: name === "TRUE" };
          throw new Unsupported();
        }
        if (!FUNCTIONS.has(name)) throw new Unsupported();
        at++;
        const args: Node[] = [];
        if (isOp(")")) throw new Unsupported();
        for (;;) {
          args.push(expression());
          if (isOp(",")) {
            at++;
            continue;
          }
          expect(")");
          return { t: "call", fn: name, args };
        }
      }
      default:
        if (token.text === "(") {
          const inner = expression();
          expect(")");
          return inner;
        }
        throw new Unsupported();
    }
  };
  // Excel binds unary minus tighter than ^ (-2^2 is 4) and % tighter than both.
  const unary = (): Node => {
    let negate = false;
    while (isOp("-") || isOp("+")) negate = tokens[at++]!.text === "-" ? !negate : negate;
    let node = primary();
    let percents = 0;
    while (isOp("%")) {
      at++;
      percents++;
    }
    if (percents) node = { t: "pct", e: node, times: percents };
    return negate ? { t: "neg", e: node } : node;
  };
  const binary = (operators: string[], next: () => Node) => (): Node => {
    let node = next();
    while (peek()?.kind === "op" && operators.includes(peek()!.text)) {
      const op = tokens[at++]!.text;
      node = { t: "bin", op, a: node, b: next() };
    }
    return node;
  };
  const power = binary(["^"], unary);
  const term = binary(["*", "/"], power);
  const expression = binary(["+", "-"], term);
  try {
    const tree = expression();
    return at === tokens.length ? tree : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** The cells a range covers inside a sheet of `rows` × `cols` (a whole column stops at the last row). */
function clamp(node: Extract<Node, { t: "range" }>, rows: number, cols: number) {
  return { r1: node.r1, c1: node.c1, r2: Math.min(node.r2, rows - 1), c2: Math.min(node.c2, cols - 1) };
}

function walk(node: Node, visit: (node: Node) => void): void {
  const stack = [node];
  while (stack.length) {
    const current = stack.pop()!;
    visit(current);
    if (current.t === "neg" || current.t === "pct") stack.push(current.e);
    else if (current.t === "bin") stack.push(current.a, current.b);
    else if (current.t === "call") stack.push(...current.args);
  }
}

export const formulaTermsExceeded = () =>
  `the formulas hold more than ${MAX_FORMULA_TERMS.toLocaleString("en")} terms (numbers, references, ranges, operators and calls) together`;

/** How many terms a tree holds: what it costs to keep. */
export function treeTerms(tree: Node): number {
  let terms = 0;
  walk(tree, () => void terms++);
  return terms;
}

/** Cells the formula's ranges cover inside the sheet: what evaluating it reads. */
export function rangeCells(tree: Node, rows: number, cols: number): number {
  let cells = 0;
  walk(tree, (node) => {
    if (node.t === "range") {
      const { r1, c1, r2, c2 } = clamp(node, rows, cols);
      if (r2 >= r1 && c2 >= c1) cells += (r2 - r1 + 1) * (c2 - c1 + 1);
    }
  });
  return cells;
}

/** What the evaluator reads of a sheet: its size and, per cell (row 0 is the header), a value or a formula. */
export interface FormulaSheet {
  rows: number;
  cols: number;
  /** A plain value, or `{formula}` for a formula cell. */
  at(row: number, col: number): Value | { formula: string };
  /** The formulas' trees by `row * cols + col`, parsed already (undefined: not evaluable). */
  formulas: ReadonlyMap<number, Node | undefined>;
}

const isError = (value: unknown): value is FormulaErrorValue => typeof value === "object" && value !== null && "error" in value;
const isFormulaCell = (value: unknown): value is { formula: string } => typeof value === "object" && value !== null && "formula" in value;
const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Spreadsheet number: 15 significant digits, as Excel keeps them; non-finite is #NUM!. */
function finish(value: number): number | FormulaErrorValue {
  return Number.isFinite(value) ? Number(value.toPrecision(15)) : { error: "#NUM!" };
}

/**
 * Evaluates every formula of the sheet it can. The result maps `row * cols + col` to the value; a formula
 * missing from it is emitted as written.
 */
export function evaluateSheet(sheet: FormulaSheet): Map<number, number | FormulaErrorValue> {
  const { rows, cols } = sheet;
  const key = (row: number, col: number) => row * cols + col;
  const trees = new Map<number, Node>();
  const deps = new Map<number, number[]>();
  for (const [cell, tree] of sheet.formulas) if (tree) trees.set(cell, tree);
  const formulaAt = (row: number, col: number) => sheet.formulas.has(key(row, col));
  for (const [cell, tree] of trees) {
    const found: number[] = [];
    walk(tree, (node) => {
      if (node.t === "ref") {
        if (node.row < rows && node.col < cols && formulaAt(node.row, node.col)) found.push(key(node.row, node.col));
      } else if (node.t === "range") {
        const { r1, c1, r2, c2 } = clamp(node, rows, cols);
        for (let row = r1; row <= r2; row++) for (let col = c1; col <= c2; col++) if (formulaAt(row, col)) found.push(key(row, col));
      }
    });
    deps.set(cell, found);
  }

  // Dependency order by an explicit stack: a chain of 100,000 formulas must not recurse 100,000 deep.
  const results = new Map<number, number | FormulaErrorValue>();
  const state = new Map<number, "visiting" | "done" | "failed">();
  for (const start of trees.keys()) {
    if (state.has(start)) continue;
    const stack: { cell: number; next: number }[] = [{ cell: start, next: 0 }];
    state.set(start, "visiting");
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      const needs = deps.get(frame.cell) ?? [];
      if (frame.next < needs.length) {
        const dep = needs[frame.next++]!;
        if (!state.has(dep) && trees.has(dep)) {
          state.set(dep, "visiting");
          stack.push({ cell: dep, next: 0 });
        }
        continue;
      }
      stack.pop();
      const blocked = needs.some((dep) => state.get(dep) !== "done");
      if (blocked) {
        state.set(frame.cell, "failed");
        continue;
      }
      const value = evaluate(trees.get(frame.cell)!, sheet, results, cols);
      if (value === undefined) state.set(frame.cell, "failed");
      else {
        results.set(frame.cell, value);
        state.set(frame.cell, "done");
      }
    }
  }
  return results;
}

function valueOf(sheet: FormulaSheet, results: Map<number, number | FormulaErrorValue>, cols: number, row: number, col: number): Value {
  if (row >= sheet.rows || col >= sheet.cols) return null;
  const cell = sheet.at(row, col);
  if (!isFormulaCell(cell)) return cell;
  return results.get(row * cols + col)!;
}

function operate(op: string, a: number, b: number): number | FormulaErrorValue {
  if (op === "+") return finish(a + b);
  if (op === "-") return finish(a - b);
  if (op === "*") return finish(a * b);
  if (op === "/") return b === 0 ? { error: "#DIV/0!" } : finish(a / b);
  if (a === 0 && b < 0) return { error: "#DIV/0!" };
  return finish(a ** b);
}

/** A formula's value, or undefined when it needs something Lamina does not evaluate. */
function evaluate(tree: Node, sheet: FormulaSheet, results: Map<number, number | FormulaErrorValue>, cols: number): number | FormulaErrorValue | undefined {
  const toNumber = (value: Value): number | FormulaErrorValue => {
    if (typeof value === "number") return value;
    if (typeof value === "boolean") return value ? 1 : 0;
    if (value === null) return 0;
    if (typeof value === "string") return NUMERIC.test(value) ? Number(value) : { error: "#VALUE!" };
    return value;
  };
  const scalar = (node: Node): number | FormulaErrorValue | boolean => {
    switch (node.t) {
      case "num":
        return node.v;
      case "bool":
        return node.v;
      case "ref":
        return toNumber(valueOf(sheet, results, cols, node.row, node.col));
      case "range":
        throw new Unsupported();
      case "neg": {
        const inner = numeric(node.e);
        return isError(inner) ? inner : -inner;
      }
      case "pct": {
        let value = numeric(node.e);
        for (let i = 0; i < node.times && !isError(value); i++) value = value / 100;
        return value;
      }
      case "bin": {
        // The left spine of a chain (A1+A2+…+An parses as ((A1+A2)+…)+An), walked in a loop, not recursed.
        const spine: Extract<Node, { t: "bin" }>[] = [];
        let first: Node = node;
        while (first.t === "bin") {
          spine.push(first);
          first = first.a;
        }
        let value = numeric(first);
        for (let i = spine.length - 1; i >= 0 && !isError(value); i--) {
          const b = numeric(spine[i]!.b);
          value = isError(b) ? b : operate(spine[i]!.op, value, b);
        }
        return value;
      }
      case "call":
        return call(node);
    }
  };
  const numeric = (node: Node): number | FormulaErrorValue => {
    const value = scalar(node);
    return typeof value === "boolean" ? (value ? 1 : 0) : value;
  };
  const call = (node: Extract<Node, { t: "call" }>): number | FormulaErrorValue => {
    const counting = node.fn === "COUNT";
    const numbers: number[] = [];
    for (const arg of node.args) {
      if (arg.t === "ref" || arg.t === "range") {
        const { r1, c1, r2, c2 } = arg.t === "ref" ? { r1: arg.row, c1: arg.col, r2: arg.row, c2: arg.col } : clamp(arg, sheet.rows, cols);
        for (let row = r1; row <= r2; row++) {
          for (let col = c1; col <= c2; col++) {
            const value = valueOf(sheet, results, cols, row, col);
            if (typeof value === "number") numbers.push(value);
            else if (isError(value) && !counting) return value;
          }
        }
        continue;
      }
      const value = scalar(arg);
      if (isError(value)) {
        if (!counting) return value;
      } else numbers.push(typeof value === "boolean" ? (value ? 1 : 0) : value);
    }
    switch (node.fn) {
      case "COUNT":
        return numbers.length;
      case "SUM":
        return finish(numbers.reduce((sum, n) => sum + n, 0));
      case "AVERAGE":
        return numbers.length ? finish(numbers.reduce((sum, n) => sum + n, 0) / numbers.length) : { error: "#DIV/0!" };
      case "MIN":
        return numbers.length ? numbers.reduce((a, b) => Math.min(a, b)) : 0;
      default:
        return numbers.length ? numbers.reduce((a, b) => Math.max(a, b)) : 0;
    }
  };
  try {
    return numeric(tree);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
