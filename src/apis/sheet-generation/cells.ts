/**
 * One request cell read into what every format writes: its content (text, number, boolean, date serial, formula or
 * nothing), the value as written (what CSV and Markdown carry), and the Excel number format code of its `format`.
 * The accept-time rules and the renderers share this one reading, so a cell the 400 rules let through is a cell
 * the writers understand.
 */
import { currencyDigits, isCurrencyCode } from "../../extraction/reference-data";
import type { CellInput, CellObject, CellStyle, NumberStyle } from "./schema";

export type CellContent =
  | { kind: "empty" }
  | { kind: "text"; text: string }
  | { kind: "number"; number: number; written: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "date"; serial: number; written: string }
  | { kind: "formula"; formula: string };

export interface ReadCell {
  content: CellContent;
  /** The Excel number format code; undefined is General. */
  numberFormat?: string;
  /** The cell's own style (the header or body style lies under it). */
  style?: CellStyle;
  object?: CellObject;
}

/** A cell Excel can hold: 32,767 characters of text. */
export const MAX_CELL_CHARACTERS = 32_767;

/** Why a sheet cannot be written, with the path to the field at fault (below the cell, or inside the sheet). */
export class SheetInputError {
  constructor(
    readonly path: (string | number)[],
    readonly message: string,
  ) {}
}

/**
 * The number styles as Excel locale tags. Excel itself shows its reader's own separators whatever the tag;
 * LibreOffice shows the tag's: en-US 1,234.5; de-DE 1.234,5; fr-FR 1 234,5; ka-GE 1 234.5.
 */
const LOCALE_TAGS: Record<NumberStyle, string> = {
  comma_period: "[$-409]",
  period_comma: "[$-407]",
  space_comma: "[$-40C]",
  space_period: "[$-437]",
};

const NUMBER_FORMATS = new Set(["number", "decimal", "currency", "percentage"]);
const DATE_FORMATS = new Set(["date", "datetime", "time"]);
const DEFAULT_DATE_STYLES = { date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm:ss", time: "hh:mm:ss" } as const;

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Decimal places a number is written with (at most 10, the rest is floating-point noise). */
function decimalsOf(value: number): number {
  const text = String(Number(value.toPrecision(15)));
  const exponent = /e([+-]\d+)$/.exec(text);
  const mantissa = text.replace(/e[+-]\d+$/, "");
  const fraction = mantissa.includes(".") ? mantissa.split(".")[1]!.length : 0;
  return Math.min(10, Math.max(0, fraction - (exponent ? Number(exponent[1]) : 0)));
}

const places = (count: number) => (count > 0 ? `.${"0".repeat(count)}` : "");

/** The currency's symbol as people write it (`$`, `€`, `CHF`): the narrow symbol of ICU, else the code. */
const SYMBOLS = new Map<string, string>();

function currencySymbol(code: string): string {
  let symbol = SYMBOLS.get(code);
  if (symbol === undefined) {
    symbol = narrowSymbol(code);
    SYMBOLS.set(code, symbol);
  }
  return symbol;
}

function narrowSymbol(code: string): string {
  try {
    const part = new Intl.NumberFormat("en", { style: "currency", currency: code, currencyDisplay: "narrowSymbol" }).formatToParts(0).find((p) => p.type === "currency");
    return part?.value ?? code;
  } catch {
    return code;
  }
}

/** The format code of a number-like format; `value` is the cell's number, undefined for a formula or an empty cell. */
function numberFormatCode(object: CellObject, value: number | undefined): string {
  const locale = LOCALE_TAGS[object.number_style ?? "comma_period"];
  switch (object.format) {
    case "number":
      return value === undefined ? `${locale}General` : `${locale}#,##0${places(decimalsOf(value))}`;
    case "decimal":
      return `${locale}#,##0.00`;
    case "percentage":
      return value === undefined ? `${locale}0.00%` : `${locale}0${places(decimalsOf(value * 100))}%`;
    default: {
      const code = (object.currency_code ?? "USD").toUpperCase();
      const number = `#,##0${places(currencyDigits(code) ?? 2)}`;
      const symbol = `"${currencySymbol(code).replaceAll('"', "")}"`;
      const suffix = object.number_style === "period_comma" || object.number_style === "space_comma";
      return suffix ? `${locale}${number} ${symbol}` : `${locale}${symbol}${number}`;
    }
  }
}

const DAY_MS = 86_400_000;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

function secondsOf(hours: string, minutes: string, seconds = "0", fraction = ""): number | undefined {
  const [h, m, s] = [Number(hours), Number(minutes), Number(seconds)];
  if (h > 23 || m > 59 || s > 59) return undefined;
  return h * 3600 + m * 60 + s + (fraction ? Number(`0.${fraction}`) : 0);
}

/**
 * An ISO 8601 date or date-time as an Excel serial (days since 1899-12-30, with Excel's phantom 1900-02-29, so
 * 1900-01-01 is 1). A date-time with `Z` or an offset is converted to UTC: a spreadsheet date has no zone.
 */
export function dateSerial(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (year < 1900 || month < 1 || month > 12 || day < 1) return undefined;
  const midnight = Date.UTC(year, month - 1, day);
  if (new Date(midnight).getUTCDate() !== day) return undefined;
  let ms = midnight;
  if (h !== undefined) {
    const seconds = secondsOf(h, mi!, s, fraction);
    if (seconds === undefined) return undefined;
    ms += seconds * 1000;
    if (zone && zone !== "Z") {
      const sign = zone.startsWith("-") ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
  }
  const days = (ms - EXCEL_EPOCH) / DAY_MS;
  if (days < 1) return undefined;
  return days < 61 ? days - 1 : days;
}

/** `HH:MM[:SS[.fff]]` as a fraction of a day. */
export function timeSerial(text: string): number | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const seconds = secondsOf(match[1]!, match[2]!, match[3], match[4]);
  return seconds === undefined ? undefined : seconds / 86_400;
}

const isFormula = (text: string) => text.length > 1 && text.startsWith("=");

function bareContent(value: string | number | boolean | null | undefined): CellContent {
  if (value === null || value === undefined) return { kind: "empty" };
  if (typeof value === "boolean") return { kind: "boolean", value };
  if (typeof value === "number") return { kind: "number", number: value, written: String(value) };
  if (value === "") return { kind: "empty" };
  return isFormula(value) ? { kind: "formula", formula: value } : { kind: "text", text: value };
}

function checkText(content: CellContent): CellContent {
  const text = content.kind === "text" ? content.text : content.kind === "formula" ? content.formula : "";
  if (text.length > MAX_CELL_CHARACTERS) throw new SheetInputError(["value"], `a cell holds at most ${MAX_CELL_CHARACTERS} characters`);
  return content;
}

/**
 * Reads one cell. `bodyNumberFormat` is the body style's number format, the code of bare numbers and of `custom`
 * cells that have none of their own. Throws SheetInputError naming the field at fault.
 */
export function readCell(raw: CellInput, bodyNumberFormat: string | undefined): ReadCell {
  if (raw === null || typeof raw !== "object") {
    const content = checkText(bareContent(raw));
    return { content, numberFormat: content.kind === "number" ? bodyNumberFormat : undefined };
  }
  const object = raw;
  const format = object.format;
  const value = object.value;
  const own = object.styles?.number_format;
  if (object.currency_code !== undefined && format !== "currency") throw new SheetInputError(["currency_code"], "applies to format currency only");
  if (object.currency_code !== undefined && !isCurrencyCode(object.currency_code.toUpperCase())) throw new SheetInputError(["currency_code"], `${object.currency_code} is not an ISO 4217 currency code`);
  if (object.number_style !== undefined && !NUMBER_FORMATS.has(format ?? "")) throw new SheetInputError(["number_style"], "applies to formats number, decimal, currency and percentage only");
  if (object.date_style !== undefined && !DATE_FORMATS.has(format ?? "")) throw new SheetInputError(["date_style"], "applies to formats date, datetime and time only");
  const cell = (content: CellContent, numberFormat: string | undefined): ReadCell => ({ content: checkText(content), numberFormat: own ?? numberFormat, style: object.styles, object });
  /** The code of an empty or formula cell of a typed format: no value to take decimals from. */
  const codeWithoutValue = () => (NUMBER_FORMATS.has(format!) ? numberFormatCode(object, undefined) : object.date_style ?? DEFAULT_DATE_STYLES[format as keyof typeof DEFAULT_DATE_STYLES]);

  if (format === undefined) {
    const content = bareContent(value);
    return cell(content, content.kind === "number" ? bodyNumberFormat : undefined);
  }
  if (format === "text") {
    return cell(value === null || value === undefined || value === "" ? { kind: "empty" } : { kind: "text", text: String(value) }, "@");
  }
  if (format === "custom") {
    const code = own ?? bodyNumberFormat;
    if (code === undefined) throw new SheetInputError(["format"], "format custom needs styles.number_format (on the cell or in styles.body)");
    // A custom code is as often a date code as a number code: ISO dates and times become serials for it.
    const text = typeof value === "string" ? value.trim() : undefined;
    const serial = text === undefined || isFormula(text) ? undefined : dateSerial(text) ?? timeSerial(text);
    return cell(serial === undefined ? bareContent(value) : { kind: "date", serial, written: text! }, code);
  }
  if (value === null || value === undefined || value === "") {
    return cell({ kind: "empty" }, codeWithoutValue());
  }
  if (typeof value === "string" && isFormula(value)) {
    return cell({ kind: "formula", formula: value }, codeWithoutValue());
  }
  if (NUMBER_FORMATS.has(format)) {
    const number = typeof value === "number" ? value : typeof value === "string" && NUMERIC_TEXT.test(value.trim()) ? Number(value.trim()) : undefined;
    if (number === undefined) throw new SheetInputError(["value"], `format ${format} needs a number (or a numeric string, or a formula)`);
    return cell({ kind: "number", number, written: typeof value === "number" ? String(value) : String(value).trim() }, numberFormatCode(object, number));
  }
  const dateFormat = format as keyof typeof DEFAULT_DATE_STYLES;
  const text = typeof value === "string" ? value.trim() : undefined;
  const serial = text === undefined ? undefined : dateFormat === "time" ? timeSerial(text) : dateSerial(text);
  if (serial === undefined) {
    const example = dateFormat === "time" ? "an ISO 8601 time like 14:30:00" : "an ISO 8601 date like 2026-03-18 (or 2026-03-18T14:30:00), from 1900 on";
    throw new SheetInputError(["value"], `format ${format} needs ${example}`);
  }
  return cell({ kind: "date", serial, written: text! }, object.date_style ?? DEFAULT_DATE_STYLES[dateFormat]);
}
