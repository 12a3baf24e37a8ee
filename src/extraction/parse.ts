/**
 * Text → typed value, one parser per field type, shared by both engines. Each answers the normalized value
 * and whether the text was exactly a value of the type (`exact`) or the value had to be picked out of
 * longer text, or undefined when the text holds no valid value (then the field is not found there).
 */
import type { ScalarField } from "./schema";
import { IBAN_SHAPE, ibanChecksumValid } from "./iban";
import { countryCode, currencyCode, findCurrency, foldText } from "./reference-data";

export interface Parsed<T = unknown> {
  value: T;
  /** The whole text was the value; false when it was found inside longer text or by a loose rule. */
  exact: boolean;
}

export interface ParseContext {
  /** How to read an ambiguous `03/04/2024`: from an unambiguous date elsewhere in the document, else month first. */
  slashDateOrder: "dmy" | "mdy";
  /** Today, `YYYY-MM-DD`, for allow_future_dates/allow_past_dates. */
  today: string;
}

export const DEFAULT_PARSE_CONTEXT: ParseContext = { slashDateOrder: "mdy", today: "9999-12-31" };

// ---------- numbers ----------

const NUMBER_PATTERN = /(?:[-−–]|\(\s*)?(?:\d{1,3}(?:[ .,'’\u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?(?:-(?!\d)|\s*\))?/g;

/** `1.234,56`, `1,234.56`, `1 234,56`, `1'234.56`, `(12.00)`, `12,5` → number. */
export function parseNumberText(text: string): number | undefined {
  let body = text.trim();
  const negative = /^[-−–(]/.test(body) || /[-)]$/.test(body);
  body = body.replace(/^[-−–(]\s*/, "").replace(/\s*[-)]$/, "");
  if (/[\s'’\u00a0\u202f]/.test(body)) {
    // Spaces and apostrophes only group thousands (`1 234 567,89`, `1'234.50`); `10 20` is two numbers.
    if (!/^\d{1,3}(?:[\s'’\u00a0\u202f]\d{3})+(?:[.,]\d+)?$/.test(body)) return undefined;
    body = body.replace(/[\s'’\u00a0\u202f]/g, "");
  }
  let normalized: string | undefined;
  if (/^\d{1,3}(?:\.\d{3})+,\d+$/.test(body)) {
    normalized = body.replace(/\./g, "").replace(",", "."); // 1.234.567,89
  } else if (/^\d{1,3}(?:,\d{3})+\.\d+$/.test(body)) {
    normalized = body.replace(/,/g, ""); // 1,234,567.89
  } else if (/^\d{1,3}(?:\.\d{3}){2,}$/.test(body)) {
    normalized = body.replace(/\./g, ""); // 1.234.567
  } else if (/^[1-9]\d{0,2}(?:,\d{3})+$/.test(body)) {
    normalized = body.replace(/,/g, ""); // 1,234 and 1,234,567 group thousands
  } else if (/^\d+(?:[.,]\d+)?$/.test(body)) {
    normalized = body.replace(",", "."); // 1234.56, 1234,5, 0,234, 1.234 (a single dot is a decimal point)
  }
  // Anything else (`12.04.2025`, `1.2.3`, `1,23,4`) is not one number.
  if (normalized === undefined) {
    return undefined;
  }
  const value = Number(normalized);
  return Number.isFinite(value) ? (negative ? -value : value) : undefined;
}

/** The numbers in `text`, in order, with the text each came from. */
function findNumbers(text: string): { value: number; text: string }[] {
  const found: { value: number; text: string }[] = [];
  for (const match of text.matchAll(NUMBER_PATTERN)) {
    const value = parseNumberText(match[0]);
    if (value !== undefined) found.push({ value, text: match[0].trim() });
  }
  return found;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON * Math.sign(value)) * factor) / factor;
}

function inRange(value: number, field: { min?: number; max?: number }): boolean {
  return (field.min === undefined || value >= field.min) && (field.max === undefined || value <= field.max);
}

/** Strips what surrounds an amount: currency codes/symbols, units, `%`. */
function amountCore(text: string): string {
  return text
    .replace(/\b[A-Z]{3}\b/g, " ")
    .replace(/(US\$|CA\$|AU\$|NZ\$|HK\$|R\$|[€$£¥₹₩₽₺₪₫₱฿%]|\bzł|\bKč|\bFr\.|\bCHF|\bkr\.?)/g, " ")
    .trim();
}

function parseNumberField(text: string, field: { min?: number; max?: number; decimal_points?: number }, integer: boolean): Parsed<number> | undefined {
  const core = amountCore(text);
  const whole = parseNumberText(core);
  const candidates = whole !== undefined ? [{ value: whole, exact: true }] : findNumbers(core).map((number) => ({ value: number.value, exact: false }));
  for (const candidate of candidates) {
    let value = candidate.value;
    if (integer) {
      if (Math.abs(value - Math.round(value)) > 1e-9) continue;
      value = Math.round(value);
    } else if (field.decimal_points !== undefined) {
      value = roundTo(value, field.decimal_points);
    }
    if (inRange(value, field)) {
      return { value, exact: candidate.exact };
    }
  }
  return undefined;
}

// ---------- dates and times ----------

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: string[][] = [
  ["january", "jan", "januar", "janvier", "janv", "enero", "ene", "jänner", "jaenner", "gennaio"],
  ["february", "feb", "februar", "fevrier", "fevr", "fev", "febrero", "febbraio"],
  ["march", "mar", "marz", "maerz", "mars", "marzo", "mrz"],
  ["april", "apr", "avril", "avr", "abril", "abr", "aprile"],
  ["may", "mai", "mayo", "maggio"],
  ["june", "jun", "juni", "juin", "junio", "giugno"],
  ["july", "jul", "juli", "juillet", "juil", "julio", "luglio"],
  ["august", "aug", "aout", "agosto", "ago"],
  ["september", "sep", "sept", "septembre", "septiembre", "settembre", "set"],
  ["october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott"],
  ["november", "nov", "novembre", "noviembre"],
  ["december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre"],
];
MONTH_NAMES.forEach((names, index) => names.forEach((name) => (MONTHS[name] = index + 1)));
const MONTH_ALTERNATION = Object.keys(MONTHS).sort((p, q) => q.length - p.length).join("|");

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function fullYear(year: number): number {
  return year < 100 ? (year < 70 ? 2000 + year : 1900 + year) : year;
}

function isoDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || year > 9999 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

interface FoundDate {
  date: string;
  /** Start and end of the match in the searched text. */
  start: number;
  end: number;
  ambiguous: boolean;
}

/** Every date in `text`, in order. */
export function findDates(text: string, context: ParseContext = DEFAULT_PARSE_CONTEXT): FoundDate[] {
  const folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const found: FoundDate[] = [];
  const taken: [number, number][] = [];
  const add = (match: RegExpMatchArray, date: string | undefined, ambiguous = false) => {
    const start = match.index!;
    const end = start + match[0].length;
    if (date && !taken.some(([s, e]) => start < e && end > s)) {
      taken.push([start, end]);
      found.push({ date, start, end, ambiguous });
    }
  };
  // 2024-12-31, 2024/12/31, 2024.12.31 (optionally followed by a time: handled by DATETIME)
  for (const match of folded.matchAll(/\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g)) {
    add(match, isoDate(Number(match[1]), Number(match[2]), Number(match[3])));
  }
  // 31.12.2024, 31-12-2024 (day first), 12/31/2024 or 31/12/2024 (by the rule)
  for (const match of folded.matchAll(/(?<![\d.])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d])/g)) {
    const first = Number(match[1]);
    const second = Number(match[3]);
    const year = fullYear(Number(match[4]));
    if (match[2] !== "/") {
      add(match, isoDate(year, second, first));
      continue;
    }
    if (first > 12) add(match, isoDate(year, second, first));
    else if (second > 12) add(match, isoDate(year, first, second));
    else add(match, context.slashDateOrder === "dmy" ? isoDate(year, second, first) : isoDate(year, first, second), first !== second);
  }
  // December 31, 2024 / Dec. 31st 2024
  const monthFirst = new RegExp(`\\b(${MONTH_ALTERNATION})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "g");
  for (const match of folded.matchAll(monthFirst)) {
    add(match, isoDate(Number(match[3]), MONTHS[match[1]!]!, Number(match[2])));
  }
  // 31 December 2024 / 31. Dezember 2024 / 1er janvier 2024 / 31 de diciembre de 2024
  const dayFirst = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th|er|\\.)?\\s+(?:de\\s+)?(${MONTH_ALTERNATION})\\.?,?\\s+(?:de\\s+)?(\\d{4})\\b`, "g");
  for (const match of folded.matchAll(dayFirst)) {
    add(match, isoDate(Number(match[3]), MONTHS[match[2]!]!, Number(match[1])));
  }
  return found.sort((p, q) => p.start - q.start);
}

/**
 * How to read a document's ambiguous slash dates (`03/04/2025`): as its unambiguous slash dates are written;
 * without any, day first when the document uses European conventions (euro or pound amounts, decimal
 * commas like `1.234,56`), else month first (US).
 */
export function slashDateOrderOf(text: string): "dmy" | "mdy" {
  let dmy = 0;
  let mdy = 0;
  for (const match of text.matchAll(/(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?![\d/])/g)) {
    if (Number(match[1]) > 12 && Number(match[2]) <= 12) dmy++;
    if (Number(match[2]) > 12 && Number(match[1]) <= 12) mdy++;
  }
  if (dmy !== mdy) return dmy > mdy ? "dmy" : "mdy";
  return /[€£]|\b(EUR|GBP|CHF)\b|\d[.\s]\d{3},\d{2}\b|\b\d+,\d{2}\b/.test(text) ? "dmy" : "mdy";
}

function dateAllowed(date: string, field: { allow_future_dates?: boolean; allow_past_dates?: boolean }, context: ParseContext): boolean {
  if (field.allow_future_dates === false && date > context.today) return false;
  if (field.allow_past_dates === false && date < context.today) return false;
  return true;
}

function textIsOnly(text: string, start: number, end: number): boolean {
  return text.slice(0, start).trim() === "" && text.slice(end).replace(/^[\s,.;]+/, "").trim() === "";
}

function parseDate(text: string, field: { allow_future_dates?: boolean; allow_past_dates?: boolean }, context: ParseContext): Parsed<string> | undefined {
  const folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const found of findDates(text, context)) {
    if (dateAllowed(found.date, field, context)) {
      return { value: found.date, exact: !found.ambiguous && textIsOnly(folded, found.start, found.end) };
    }
  }
  return undefined;
}

const TIME_PATTERN = /(?<![\d:.])(\d{1,2})(?:[:.h](\d{2}))(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?(?![\d]|\.\d)|(?<![\d:])(\d{1,2})\s*(a\.?m\.?|p\.?m\.?)/i;

/** `14:30`, `2:30 PM`, `14.30 Uhr`, `14h30`, `9 am` → `HH:MM:SS`. */
export function findTime(text: string): { time: string; start: number; end: number } | undefined {
  const match = TIME_PATTERN.exec(text);
  if (!match) return undefined;
  let hours = Number(match[1] ?? match[5]);
  const minutes = Number(match[2] ?? 0);
  const seconds = Number(match[3] ?? 0);
  const meridiem = (match[4] ?? match[6])?.toLowerCase().replace(/\./g, "");
  if (meridiem) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (meridiem === "pm" ? 12 : 0);
  }
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return { time: `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`, start: match.index, end: match.index + match[0].length };
}

function parseTime(text: string): Parsed<string> | undefined {
  const found = findTime(text);
  return found ? { value: found.time, exact: textIsOnly(text.replace(/\buhr\b/i, ""), found.start, found.end) } : undefined;
}

function parseDateTime(text: string, field: { allow_future_dates?: boolean; allow_past_dates?: boolean }, context: ParseContext): Parsed<string> | undefined {
  const iso = /\b(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?/.exec(text);
  if (iso) {
    const date = isoDate(Number(iso[1]!.slice(0, 4)), Number(iso[1]!.slice(5, 7)), Number(iso[1]!.slice(8, 10)));
    if (!date || Number(iso[2]) > 23 || Number(iso[3]) > 59 || !dateAllowed(date, field, context)) return undefined;
    const zone = iso[5] ? (iso[5] === "Z" ? "Z" : iso[5].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")) : "";
    return { value: `${date}T${iso[2]}:${iso[3]}:${iso[4] ?? "00"}${zone}`, exact: true };
  }
  const dates = findDates(text, context);
  const date = dates[0];
  if (!date || !dateAllowed(date.date, field, context)) return undefined;
  const rest = text.slice(0, date.start) + " ".repeat(date.end - date.start) + text.slice(date.end);
  const time = findTime(rest.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""));
  return { value: `${date.date}T${time?.time ?? "00:00:00"}`, exact: time !== undefined && !date.ambiguous };
}

// ---------- everything else ----------

const TRUE_WORDS = new Set(["yes", "y", "true", "ja", "oui", "si", "sí", "x", "[x]", "☑", "☒", "✓", "✔", "checked", "1", "paid", "bezahlt", "on", "correct", "wahr"]);
const FALSE_WORDS = new Set(["no", "n", "false", "nein", "non", "[ ]", "☐", "unchecked", "0", "unpaid", "offen", "off", "none", "falsch", "not paid"]);

function parseBoolean(text: string): Parsed<boolean> | undefined {
  const folded = text.trim().toLowerCase().replace(/[.!]$/, "");
  if (TRUE_WORDS.has(folded)) return { value: true, exact: true };
  if (FALSE_WORDS.has(folded)) return { value: false, exact: true };
  if (/^\[\s*[x✓✔]\s*\]|^[☑☒✓✔]/.test(folded)) return { value: true, exact: false };
  if (/^\[\s*\]|^☐/.test(folded)) return { value: false, exact: false };
  const first = folded.split(/[\s,;]+/)[0] ?? "";
  if (TRUE_WORDS.has(first) && first.length > 1) return { value: true, exact: false };
  if (FALSE_WORDS.has(first) && first.length > 1) return { value: false, exact: false };
  return undefined;
}

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

function parseEmail(text: string): Parsed<string> | undefined {
  const match = EMAIL_PATTERN.exec(text.replace(/^mailto:/i, ""));
  if (!match) return undefined;
  const [local, domain] = match[0].split("@") as [string, string];
  return { value: `${local}@${domain.toLowerCase()}`, exact: match[0].length === text.trim().replace(/^<|>$/g, "").replace(/^mailto:/i, "").length };
}

function parseIban(text: string): Parsed<string> | undefined {
  const upper = text.toUpperCase();
  for (const match of upper.matchAll(/\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b/g)) {
    // Try the longest candidate first, then shorter ones (text after the IBAN may have been swallowed).
    const compact = match[0].replace(/[ -]/g, "");
    for (let length = compact.length; length >= 15; length--) {
      const candidate = compact.slice(0, length);
      if (IBAN_SHAPE.test(candidate) && ibanChecksumValid(candidate)) {
        return { value: candidate, exact: candidate.length === upper.replace(/^IBAN:?/i, "").replace(/[\s-]/g, "").length };
      }
    }
  }
  return undefined;
}

function parseCountry(text: string): Parsed<string> | undefined {
  const whole = countryCode(text);
  if (whole) return { value: whole, exact: true };
  // A country named inside longer text (`the laws of England`, `Berlin, Germany`): the longest run of up to
  // four words that is a country, nearest the end first.
  const words = text.split(/[\s,;/()|]+/).filter(Boolean);
  for (let size = Math.min(4, words.length); size >= 1; size--) {
    for (let start = words.length - size; start >= 0; start--) {
      const code = countryCode(words.slice(start, start + size).join(" "));
      if (code) return { value: code, exact: false };
    }
  }
  return undefined;
}

function parseCurrencyCode(text: string): Parsed<string> | undefined {
  const whole = currencyCode(text);
  if (whole) return { value: whole, exact: true };
  const found = findCurrency(text);
  return found ? { value: found, exact: false } : undefined;
}

function parseEnum(text: string, field: { values: string[]; min_selected?: number; max_selected?: number }): Parsed<string[]> | undefined {
  const folded = foldText(text);
  const exact = field.values.find((value) => foldText(value) === folded);
  if (exact !== undefined) {
    return (field.min_selected ?? 0) <= 1 ? { value: [exact], exact: true } : undefined;
  }
  const hits: { value: string; index: number }[] = [];
  for (const value of field.values) {
    const needle = foldText(value);
    if (!needle) continue;
    const index = ` ${folded} `.indexOf(` ${needle} `);
    if (index >= 0) hits.push({ value, index });
  }
  hits.sort((p, q) => p.index - q.index);
  const selected = hits.slice(0, field.max_selected ?? hits.length).map((hit) => hit.value);
  if (selected.length === 0 || selected.length < (field.min_selected ?? 1)) return undefined;
  return { value: selected, exact: false };
}

function parseText(text: string, field: { max_length?: number }): Parsed<string> | undefined {
  const value = text.trim();
  if (!value) return undefined;
  return { value: field.max_length !== undefined ? value.slice(0, field.max_length) : value, exact: true };
}

function parseCurrencyAmount(text: string, field: { min?: number; max?: number; decimal_points?: number }): Parsed<number> | undefined {
  return parseNumberField(text, field, false);
}

/** Text → the field's value type, or undefined. ADDRESS, ARRAY and CALCULATED have their own paths. */
export function parseScalar(field: ScalarField, text: string, context: ParseContext = DEFAULT_PARSE_CONTEXT): Parsed | undefined {
  switch (field.type) {
    case "TEXT":
    case "TEXTAREA":
      return parseText(text, field);
    case "INTEGER":
      return parseNumberField(text, field, true);
    case "DECIMAL":
      return parseNumberField(text, field, false);
    case "CURRENCY_AMOUNT":
      return parseCurrencyAmount(text, field);
    case "DATE":
      return parseDate(text, field, context);
    case "DATETIME":
      return parseDateTime(text, field, context);
    case "TIME":
      return parseTime(text);
    case "ENUM":
      return parseEnum(text, field);
    case "BOOLEAN":
      return parseBoolean(text);
    case "EMAIL":
      return parseEmail(text);
    case "IBAN":
      return parseIban(text);
    case "COUNTRY":
      return parseCountry(text);
    case "CURRENCY_CODE":
      return parseCurrencyCode(text);
  }
}
