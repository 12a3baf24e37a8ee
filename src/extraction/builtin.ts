/**
 * The built-in engine: finds every field by its label in the documents' lines and cells, in the layouts
 * documents use (`Label: value`, label and value in neighbouring cells, a table header over its column,
 * label above value, a label that prefixes the value), then types the value with the shared parsers.
 * ARRAY fields read the tables whose headers name their item fields, else item lines without a header (a till
 * receipt). Without any label, a few types fall back to the value's own pattern (an IBAN, an e-mail address, a
 * currency sign, a document's only date or time, a vendor's company name in the letterhead).
 *
 * Confidence: 0.2 + 0.78 × label score (1 exact label, less for a partial match) × layout factor (1 for
 * `Label: value` and key/value cells, 0.97 table column (× 0.85 when the column has several rows), 0.93 label
 * above value, 0.9 label prefix) × 0.85 when the value had to be picked out of longer text or the date was
 * ambiguous. Pattern-only values get 0.45.
 */
import { MAX_EXTRACTION_WORK } from "../budgets";
import type { Line, ParsedDocument } from "../documents/lines";
import { ApiError } from "../errors";
import type { AddressField, ArrayField, FieldConfig, ScalarField } from "./schema";
import { parseAddress } from "./address";
import { acceptsBareLabel, headerContains, isSummaryCell, labelScore, labelTokens, labelVariants, type LabelVariant } from "./labels";
import { findDates, findTime, parseScalar, slashDateOrderOf, type ParseContext, type Parsed } from "./parse";
import { foldText } from "./reference-data";
import { roundConfidence, type ExtractionData, type FieldResult } from "./result";

const MIN_LABEL_SCORE = 0.78;
const PATTERN_ONLY_CONFIDENCE = 0.45;

type Layout = "inline" | "cells" | "column" | "below" | "prefix";
const LAYOUT_FACTOR: Record<Layout, number> = { inline: 1, cells: 1, column: 0.97, below: 0.93, prefix: 0.9 };

interface Candidate {
  label: string;
  tokens: string[];
  layout: Layout;
  /** The value text, and for addresses the lines that may follow it. */
  value: string;
  /** The value as label tokens, to tell a value from a repeated label (not for `Label: value`, whose value is never a label). */
  valueTokens?: string[];
  following: string[];
  citation: string;
  /** Lowers the confidence of weak layouts further (a column of many rows read for one value). */
  factor?: number;
}

interface PreparedDocument {
  document: ParsedDocument;
  candidates: Candidate[];
  /** Every cell in reading order, for pattern fallbacks, with its possible label prefixes (longest first). */
  cells: { text: string; prefixes: { tokens: string[]; rest: string }[] }[];
  tables: Line[][];
  context: ParseContext;
}

const LABEL_MAX_WORDS = 7;

function looksLikeLabel(text: string): boolean {
  const stripped = text.replace(/[:\s]+$/, "");
  if (!stripped || stripped.split(/\s+/).length > LABEL_MAX_WORDS) return false;
  // Mostly letters: `Invoice No.`, `Qty`, `MwSt. 19 %` — not `2024-01-01` or `1.234,00 €`.
  // Letters and `#` (`P.O. #`) are label characters; a rate (`VAT @ 20%`) does not count against them.
  const core = stripped.replace(/@|\d+(?:[.,]\d+)?\s*%/g, "");
  const letters = core.replace(/[^\p{L}#]/gu, "").length;
  // `Beleg-Nr. 88213`: a word with three or more digits is a value, not part of a label.
  if (/\d{3}/.test(stripped.split(/\s+/).at(-1) ?? "") && stripped.includes(" ")) return false;
  return letters >= 2 && letters >= core.replace(/\s/g, "").length * 0.5;
}

/** `Label: value` split at the first colon that is not inside a time or URL. */
function splitInline(text: string): { label: string; value: string } | undefined {
  const match = /^([^:：]{1,80}?)\s*[:：]\s*(.*)$/.exec(text);
  if (!match || !looksLikeLabel(match[1]!) || match[2]!.startsWith("//")) return undefined;
  if (/\d$/.test(match[1]!) && /^\d{2}/.test(match[2]!)) return undefined; // a time like 14:30
  return { label: match[1]!, value: match[2]!.trim() };
}

function overlaps(p: [number, number], q: [number, number]): number {
  return Math.min(p[1], q[1]) - Math.max(p[0], q[0]);
}

/** The cell of `line` that sits under `span` (by overlap, else the nearest), or the first cell without spans. */
function cellUnder(line: Line, span: [number, number] | undefined, index: number): string | undefined {
  if (span && line.spans) {
    let best: { score: number; text: string } | undefined;
    line.spans.forEach((other, position) => {
      const score = overlaps(span, other);
      if (score > (best?.score ?? 0)) best = { score, text: line.cells[position]! };
    });
    return best?.text;
  }
  return line.cells.length === 1 ? line.cells[0] : line.cells[index];
}

/**
 * `vocabulary` is every word of every field's label variants: a cell prefix that shares none of them scores 0
 * against every field, so it is not kept (a long document would otherwise hold five token lists a cell).
 */
function prepare(document: ParsedDocument, today: string, vocabulary: ReadonlySet<string>): PreparedDocument {
  const { lines } = document;
  const candidates: Candidate[] = [];
  const cells: PreparedDocument["cells"] = [];
  const tables = new Map<number, Line[]>();
  const allText = lines.map((line) => line.cells.join("  ")).join("\n");

  lines.forEach((line, lineIndex) => {
    if (line.table !== undefined) {
      const rows = tables.get(line.table) ?? [];
      rows.push(line);
      tables.set(line.table, rows);
    }
    const isHeader = line.table !== undefined && tables.get(line.table)!.length === 1;
    line.cells.forEach((text, cellIndex) => {
      cells.push({ text, prefixes: labelPrefixes(text, vocabulary) });
      if (!text) return;
      const span = line.spans?.[cellIndex];
      const following = (from: number, initial: string[]): string[] => {
        const collected = [...initial];
        for (let next = from; next < lines.length && collected.length < 6; next++) {
          const below = cellUnder(lines[next]!, span, cellIndex);
          // A block ends at a label, at a row of several cells (unless columns are known), or where a table starts or ends.
          if (!below || splitInline(below) || (lines[next]!.cells.length > 1 && !span) || lines[next]!.table !== line.table) break;
          collected.push(below);
        }
        return collected;
      };
      const inline = splitInline(text);
      if (inline && inline.value) {
        candidates.push({ label: inline.label, tokens: labelTokens(inline.label), layout: "inline", value: inline.value, following: following(lineIndex + 1, [inline.value]), citation: text });
        return;
      }
      const label = inline?.label ?? text;
      if (!looksLikeLabel(label)) return;
      const tokens = labelTokens(label);
      const right = line.cells.slice(cellIndex + 1).find((cell) => cell !== "");
      // `From:   Bill To:`: a neighbour that is itself a label is not a value.
      if (right !== undefined && !(isHeader && line.cells.length > 2) && !/[:：]$/.test(right)) {
        candidates.push({ label, tokens, layout: "cells", value: right, valueTokens: labelTokens(right), following: [right], citation: `${text} ${right}` });
      }
      if (isHeader) {
        const rows = lines.slice(lineIndex + 1).filter((other) => other.table === line.table);
        const first = rows[0] ? cellUnder(rows[0], span, cellIndex) : undefined;
        if (first) {
          // A column of many rows is a poor source for one value; an address may run down it (side-by-side blocks).
          candidates.push({ label, tokens, layout: "column", value: first, valueTokens: labelTokens(first), following: following(lineIndex + 1, []), citation: `${text} ${first}`, ...(rows.length > 1 ? { factor: 0.85 } : {}) });
        }
      }
      const next = lines[lineIndex + 1];
      // Within one table, the cell below a cell is the column's business (above), with its own confidence.
      const sameTable = line.table !== undefined && next?.table === line.table;
      if (next && !sameTable && (inline || line.cells.length === 1 || span)) {
        const below = cellUnder(next, span, cellIndex);
        if (below && !splitInline(below)) {
          candidates.push({ label, tokens, layout: "below", value: below, valueTokens: labelTokens(below), following: following(lineIndex + 1, []), citation: `${text} ${below}` });
        }
      }
    });
  });
  return {
    document,
    candidates,
    cells,
    tables: [...tables.values()].filter((rows) => rows.length >= 2),
    context: { slashDateOrder: slashDateOrderOf(allText), today },
  };
}

function confidence(score: number, layout: Layout, exact: boolean): number {
  return roundConfidence(0.2 + 0.78 * score * LAYOUT_FACTOR[layout] * (exact ? 1 : 0.85));
}

/** The more confident of two results; on a tie the one found first (candidates come in reading order). */
function better(found: FieldResult | undefined, result: FieldResult): FieldResult {
  return !found || result.confidence > found.confidence ? result : found;
}

function parseFor(field: ScalarField | AddressField, candidate: Candidate, context: ParseContext): Parsed | undefined {
  if (field.type === "ADDRESS") {
    const address = parseAddress(candidate.following.length > 0 ? candidate.following : [candidate.value]);
    if (!address) return undefined;
    if (field.allowed_country_codes && (address.country === null || !field.allowed_country_codes.includes(address.country))) return undefined;
    return { value: address, exact: true };
  }
  return parseScalar(field, candidate.value, context);
}

function findScalar(field: ScalarField | AddressField, documents: PreparedDocument[]): FieldResult | undefined {
  const variants = labelVariants(field);
  let found: FieldResult | undefined;
  for (const prepared of documents) {
    for (const candidate of prepared.candidates) {
      const score = labelScore(candidate.tokens, variants);
      if (score < MIN_LABEL_SCORE) continue;
      // `Purchase Order` above `P.O. #`: a line that names the field again is its label, not its value.
      if (candidate.valueTokens && labelScore(candidate.valueTokens, variants) >= MIN_LABEL_SCORE) continue;
      const parsed = parseFor(field, candidate, prepared.context);
      if (!parsed) continue;
      const citation = field.type === "ADDRESS" ? [candidate.label, ...candidate.following].join("\n") : candidate.citation;
      found = better(found, {
        type: field.type,
        value: parsed.value,
        confidence: confidence(score * (candidate.factor ?? 1), candidate.layout, parsed.exact),
        citations: [citation],
        source: prepared.document.name,
      });
    }
    if (field.type !== "ADDRESS") {
      found = findByPrefix(field, variants, prepared, found);
    }
  }
  if (found) return found;
  return findByPattern(field, documents);
}

/** The ways a cell may start with a label: its first one to five words (without digits) and the rest. */
function labelPrefixes(text: string, vocabulary: ReadonlySet<string>): { tokens: string[]; rest: string }[] {
  // `Invoice #10234`: the sign is a word of the label.
  const words = text.replace(/#(?=\S)/g, "# ").split(/\s+/);
  const prefixes: { tokens: string[]; rest: string }[] = [];
  for (let count = Math.min(5, words.length - 1); count >= 1; count--) {
    if (/\d/.test(words[count - 1]!)) continue;
    const tokens = labelTokens(words.slice(0, count).join(" "));
    if (tokens.some((token) => vocabulary.has(token))) prefixes.push({ tokens, rest: words.slice(count).join(" ") });
  }
  return prefixes;
}

/** `Invoice Number INV-1` (no colon): a cell that starts with a label phrase and continues with a value. */
function findByPrefix(field: ScalarField, variants: LabelVariant[], prepared: PreparedDocument, found: FieldResult | undefined): FieldResult | undefined {
  for (const cell of prepared.cells) {
    // A cell with a colon is `Label: value`, read as such; `Customer No.: 7` does not start a customer's name.
    if (splitInline(cell.text)) continue;
    for (const prefix of cell.prefixes) {
      const score = labelScore(prefix.tokens, variants);
      if (score < MIN_LABEL_SCORE) continue;
      const parsed = parseScalar(field, prefix.rest, prepared.context);
      if (parsed) {
        found = better(found, {
          type: field.type,
          value: parsed.value,
          confidence: confidence(score, "prefix", parsed.exact),
          citations: [cell.text],
          source: prepared.document.name,
        });
        break;
      }
    }
  }
  return found;
}

/** A company name by its legal form: `ACME Inc.`, `Müller GmbH`, `Atelier SARL`. */
const COMPANY = /^[\p{L}\d][\p{L}\d&'’.,\- ]{1,80}?[ ,]+(GmbH(?: & Co\.? KG)?|GMBH|AG|KG|OHG|e\.K\.|eG|UG(?: \(haftungsbeschränkt\))?|Inc\.?|INC\.?|LLC|L\.L\.C\.|Ltd\.?|LTD\.?|Limited|LIMITED|plc|PLC|Corp\.?|CORP\.?|Corporation|Co\.|SARL|SAS|SA|S\.A\.|S\.L\.|S\.p\.A\.|B\.V\.|N\.V\.|AB|A\/S|Oy|Pty Ltd)$/u;

/** The vendor's name is often the letterhead, unlabeled: the first company name in the document. */
function findLetterhead(field: ScalarField, documents: PreparedDocument[]): FieldResult | undefined {
  const variants = labelVariants(field);
  if (field.type !== "TEXT" || !acceptsBareLabel(variants, "vendor")) return undefined;
  for (const prepared of documents) {
    for (const cell of prepared.cells.slice(0, 12)) {
      const part = cell.text.split(/\s+[·|•–]\s+/).find((segment) => COMPANY.test(segment.trim()));
      if (part) {
        return { type: field.type, value: part.trim(), confidence: PATTERN_ONLY_CONFIDENCE, citations: [cell.text], source: prepared.document.name };
      }
    }
  }
  return undefined;
}

function findByPattern(field: ScalarField | AddressField, documents: PreparedDocument[]): FieldResult | undefined {
  if (field.type === "TEXT") return findLetterhead(field, documents);
  if (!["IBAN", "EMAIL", "CURRENCY_CODE", "DATE", "TIME"].includes(field.type)) return undefined;
  // A document's only date (or time) is taken only for a field that a bare `Date` (`Time`) label would name:
  // a due date is not the one date of a document.
  if ((field.type === "DATE" || field.type === "TIME") && !acceptsBareLabel(labelVariants(field), field.type.toLowerCase())) return undefined;
  for (const prepared of documents) {
    if (field.type === "TIME") {
      const times = [...new Set(prepared.cells.map((cell) => findTime(cell.text)?.time).filter((time) => time !== undefined))];
      const cell = prepared.cells.find((candidate) => findTime(candidate.text));
      if (times.length === 1 && cell) {
        return { type: field.type, value: times[0], confidence: PATTERN_ONLY_CONFIDENCE, citations: [cell.text], source: prepared.document.name };
      }
      continue;
    }
    if (field.type === "DATE") {
      const all = prepared.cells.flatMap((cell) => findDates(cell.text, prepared.context).map((date) => ({ date, cell })));
      const distinct = new Set(all.map((entry) => entry.date.date));
      if (distinct.size === 1) {
        const parsed = parseScalar(field, all[0]!.cell.text, prepared.context);
        if (parsed) return { type: field.type, value: parsed.value, confidence: PATTERN_ONLY_CONFIDENCE, citations: [all[0]!.cell.text], source: prepared.document.name };
      }
      continue;
    }
    for (const cell of prepared.cells) {
      const parsed = parseScalar(field as ScalarField, cell.text, prepared.context);
      if (parsed) {
        return { type: field.type, value: parsed.value, confidence: PATTERN_ONLY_CONFIDENCE, citations: [cell.text], source: prepared.document.name };
      }
    }
  }
  return undefined;
}

// ---------- ARRAY ----------

interface ColumnMatch {
  field: FieldConfig;
  column: number;
  score: number;
}

function matchHeader(header: Line, fields: FieldConfig[]): ColumnMatch[] {
  const options: ColumnMatch[] = [];
  for (const field of fields) {
    if (field.type === "CALCULATED" || field.type === "ARRAY") continue;
    const variants = labelVariants(field);
    header.cells.forEach((cell, column) => {
      const tokens = labelTokens(cell);
      const score = Math.max(labelScore(tokens, variants), headerContains(tokens, variants));
      if (score >= MIN_LABEL_SCORE) options.push({ field, column, score });
    });
  }
  options.sort((p, q) => q.score - p.score);
  const used = new Set<number>();
  const assigned = new Set<string>();
  const matches: ColumnMatch[] = [];
  for (const option of options) {
    if (used.has(option.column) || assigned.has(option.field.name)) continue;
    used.add(option.column);
    assigned.add(option.field.name);
    matches.push(option);
  }
  return matches;
}

/** The row's cells placed under the header's columns (by position when both have spans). */
function alignRow(row: Line, header: Line): string[] {
  if (!row.spans || !header.spans) return header.cells.map((_, index) => row.cells[index] ?? "");
  const aligned = header.cells.map(() => "");
  row.cells.forEach((text, index) => {
    const span = row.spans![index]!;
    let best = -1;
    let bestScore = -Infinity;
    header.spans!.forEach((headerSpan, column) => {
      const overlap = overlaps(span, headerSpan);
      const distance = -Math.abs((span[0] + span[1]) / 2 - (headerSpan[0] + headerSpan[1]) / 2);
      const score = overlap > 0 ? 1e6 + overlap : distance;
      if (score > bestScore) {
        bestScore = score;
        best = column;
      }
    });
    aligned[best] = aligned[best] ? `${aligned[best]} ${text}` : text;
  });
  return aligned;
}

function findArray(field: ArrayField, documents: PreparedDocument[]): FieldResult | undefined {
  const itemFields = field.fields.filter((item) => item.type !== "CALCULATED" && item.type !== "ARRAY");
  const needed = Math.min(2, itemFields.length);
  const items: Record<string, FieldResult>[] = [];
  let citation = "";
  let source = "";
  let headerScore = 0;
  for (const prepared of documents) {
    for (const rows of prepared.tables) {
      // The header is the first row naming enough item fields (a CSV may open with key/value rows).
      let headerIndex = -1;
      let matches: ColumnMatch[] = [];
      for (const [index, row] of rows.entries()) {
        matches = matchHeader(row, field.fields);
        if (matches.length >= needed) {
          headerIndex = index;
          break;
        }
      }
      if (headerIndex < 0) continue;
      const header = rows[headerIndex]!;
      if (!citation) {
        citation = header.cells.join(" | ");
        source = prepared.document.name;
        headerScore = matches.reduce((sum, match) => sum + match.score, 0) / matches.length;
      }
      for (const row of rows.slice(headerIndex + 1)) {
        const cells = alignRow(row, header);
        const firstCell = foldText(cells.find((cell) => cell.trim()) ?? "");
        if (isSummaryCell(firstCell) || matchHeader(row, field.fields).length >= needed) continue;
        const item: Record<string, FieldResult> = {};
        for (const match of matches) {
          const text = cells[match.column]?.trim();
          if (!text) continue;
          const parsed =
            match.field.type === "ADDRESS"
              ? (() => {
                  const address = parseAddress([text]);
                  return address ? { value: address, exact: true } : undefined;
                })()
              : parseScalar(match.field as ScalarField, text, prepared.context);
          if (!parsed) continue;
          item[match.field.name] = {
            type: match.field.type,
            value: parsed.value,
            confidence: confidence(match.score, "column", parsed.exact),
            citations: [text],
            source: prepared.document.name,
          };
        }
        if (Object.keys(item).length >= Math.max(1, Math.ceil(matches.length / 2))) items.push(item);
      }
    }
    if (items.length > 0) break;
  }
  if (items.length === 0) return findHeaderlessItems(field, documents);
  const itemConfidence = items.map((item) => Math.min(...Object.values(item).map((result) => result.confidence)));
  return {
    type: "ARRAY",
    value: items,
    confidence: roundConfidence(Math.min(headerScore, itemConfidence.reduce((sum, value) => sum + value, 0) / itemConfidence.length)),
    citations: [citation],
    source,
  };
}

const QUANTITY_PREFIX = /^(\d{1,4})\s*[x×*]\s+(\S.*)$/i;
const NUMERIC_TYPES = new Set(["INTEGER", "DECIMAL", "CURRENCY_AMOUNT"]);

/**
 * Item lines without a header row (a till receipt: `2 x Cappuccino   7,00`): the longest run of two or more
 * consecutive lines that start with text and end with a number, summary lines (`Total`, `MwSt`) excluded.
 * The text goes to the first TEXT item field, the numbers to the numeric item fields from the right, and a
 * leading `2 x` to a quantity field. Pattern-only confidence.
 */
function findHeaderlessItems(field: ArrayField, documents: PreparedDocument[]): FieldResult | undefined {
  const textField = field.fields.find((item) => item.type === "TEXT" || item.type === "TEXTAREA") as ScalarField | undefined;
  const quantityField = field.fields.find((item) => item.type === "INTEGER" && acceptsBareLabel(labelVariants(item), "quantity")) as ScalarField | undefined;
  const numericFields = field.fields.filter((item) => NUMERIC_TYPES.has(item.type) && item !== quantityField) as ScalarField[];
  if (!textField || numericFields.length === 0) return undefined;
  const isItemLine = (line: Line) => {
    const first = line.cells[0] ?? "";
    return (
      line.cells.length >= 2 &&
      /\p{L}{2}/u.test(first) &&
      !splitInline(first) &&
      !isSummaryCell(foldText(first)) &&
      parseScalar(numericFields.at(-1)!, line.cells.at(-1)!)?.exact === true
    );
  };
  for (const prepared of documents) {
    const lines = prepared.document.lines;
    let best: [number, number] | undefined;
    for (let start = 0; start < lines.length; start++) {
      let end = start;
      while (end < lines.length && isItemLine(lines[end]!)) end++;
      if (end - start >= 2 && (!best || end - start > best[1] - best[0])) best = [start, end];
      start = Math.max(start, end);
    }
    if (!best) continue;
    const items = lines.slice(best[0], best[1]).map((line) => {
      const item: ExtractionData = {};
      const put = (target: ScalarField, text: string) => {
        const parsed = parseScalar(target, text, prepared.context);
        if (parsed) item[target.name] = { type: target.type, value: parsed.value, confidence: PATTERN_ONLY_CONFIDENCE, citations: [line.cells.join(" ")], source: prepared.document.name };
      };
      let description = line.cells[0]!;
      const quantity = QUANTITY_PREFIX.exec(description);
      if (quantity) {
        description = quantity[2]!;
        if (quantityField) put(quantityField, quantity[1]!);
      }
      put(textField, description);
      const numbers = line.cells.slice(1);
      numericFields.slice(-numbers.length).reverse().forEach((target, index) => put(target, numbers[numbers.length - 1 - index]!));
      return item;
    });
    return {
      type: "ARRAY",
      value: items,
      confidence: PATTERN_ONLY_CONFIDENCE,
      citations: lines.slice(best[0], best[1]).map((line) => line.cells.join(" ")),
      source: prepared.document.name,
    };
  }
  return undefined;
}

/** Runs the built-in engine over parsed documents: every non-CALCULATED field, found or left out. */
/** Every field the engine looks for, ARRAY item fields included. */
/** Every word of the fields' label variants, ARRAY item fields included. */
function labelVocabulary(fields: readonly FieldConfig[], into = new Set<string>()): Set<string> {
  for (const field of fields) {
    if (field.type === "CALCULATED") continue;
    for (const variant of labelVariants(field)) variant.tokens.forEach((token) => into.add(token));
    if (field.type === "ARRAY") labelVocabulary(field.fields, into);
  }
  return into;
}

function fieldCount(fields: readonly FieldConfig[]): number {
  return fields.reduce((sum, field) => sum + 1 + (field.type === "ARRAY" ? fieldCount(field.fields) : 0), 0);
}

export function extractBuiltIn(documents: ParsedDocument[], fields: FieldConfig[], today: string): ExtractionData {
  // The engine weighs every field against every cell: past the budget the request would run for minutes.
  const cells = documents.reduce((sum, document) => sum + document.lines.reduce((count, line) => count + line.cells.length, 0), 0);
  const work = fieldCount(fields) * cells;
  if (work > MAX_EXTRACTION_WORK) {
    throw new ApiError(
      422,
      `schema.fields: ${fieldCount(fields)} fields (ARRAY item fields included) over ${cells} cells of text is more than one extraction ` +
        `weighs (fields × cells at most ${MAX_EXTRACTION_WORK}); ask for fewer fields or send a shorter document`,
    );
  }
  const vocabulary = labelVocabulary(fields);
  const prepared = documents.map((document) => prepare(document, today, vocabulary));
  const data: ExtractionData = {};
  for (const field of fields) {
    if (field.type === "CALCULATED") continue;
    const result = field.type === "ARRAY" ? findArray(field, prepared) : findScalar(field, prepared);
    if (result) data[field.name] = result;
  }
  return data;
}
