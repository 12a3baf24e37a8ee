/**
 * ISO 3166-1 countries (i18n-iso-countries' code table and its names in English, German, French and Spanish,
 * read as data: the package's own module costs ~20 ms of Worker start-up) and ISO 4217 currencies
 * (currency-codes' list), with the symbols and everyday names documents use.
 */
import codes from "i18n-iso-countries/codes.json";
import de from "i18n-iso-countries/langs/de.json";
import en from "i18n-iso-countries/langs/en.json";
import es from "i18n-iso-countries/langs/es.json";
import fr from "i18n-iso-countries/langs/fr.json";
import currencyData from "currency-codes/data.js";

const COUNTRY_SET = new Set((codes as string[][]).map(([alpha2]) => alpha2!));
const ALPHA3 = new Map((codes as string[][]).map(([alpha2, alpha3]) => [alpha3!, alpha2!]));

/** Lowercase, without accents and punctuation: how names are compared. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z0-9#&%@+.\s]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const COUNTRY_ALIASES: Record<string, string> = {
  usa: "US", "u s a": "US", "u.s.a.": "US", "u.s.": "US", america: "US", "united states of america": "US",
  uk: "GB", "u.k.": "GB", "great britain": "GB", britain: "GB", england: "GB", scotland: "GB", wales: "GB",
  "northern ireland": "GB", holland: "NL", "the netherlands": "NL", "south korea": "KR", korea: "KR",
  "north korea": "KP", russia: "RU", "czech republic": "CZ", czechia: "CZ", "ivory coast": "CI", uae: "AE",
  "vatican": "VA", "bundesrepublik deutschland": "DE", brd: "DE", schweiz: "CH", suisse: "CH", svizzera: "CH",
  osterreich: "AT", "grossbritannien": "GB", "vereinigtes konigreich": "GB", "vereinigte staaten": "US",
  "etats unis": "US", "royaume uni": "GB", "estados unidos": "US", "reino unido": "GB", "the united states": "US",
};

// Name tables are built on first use, not at Worker start-up (they cost ~20 ms and only extraction reads them).
let countryNames: Map<string, string> | undefined;
function countryNameTable(): Map<string, string> {
  if (!countryNames) {
    countryNames = new Map();
    for (const locale of [en, de, fr, es]) {
      for (const [code, names] of Object.entries(locale.countries as Record<string, string | string[]>)) {
        for (const name of typeof names === "string" ? [names] : names) {
          countryNames.set(foldText(name), code);
        }
      }
    }
    for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) {
      countryNames.set(foldText(alias), code);
    }
  }
  return countryNames;
}

export function isCountryCode(code: string): boolean {
  return COUNTRY_SET.has(code);
}

/** A country name, alpha-2 or alpha-3 code → alpha-2, or undefined. */
export function countryCode(text: string): string | undefined {
  const trimmed = text.trim().replace(/\.$/, "");
  if (/^[A-Za-z]{2}$/.test(trimmed) && COUNTRY_SET.has(trimmed.toUpperCase())) {
    // Two lowercase letters are more often a word ("in", "to") than a code: only capitals count.
    return trimmed === trimmed.toUpperCase() ? trimmed : undefined;
  }
  if (/^[A-Z]{3}$/.test(trimmed)) {
    const code = ALPHA3.get(trimmed);
    if (code) return code;
  }
  return foldText(trimmed) ? countryNameTable().get(foldText(trimmed)) : undefined;
}

interface CurrencyEntry {
  code: string;
  currency: string;
  digits: number;
}

const CURRENCY_CODES: readonly string[] = (currencyData as CurrencyEntry[]).map((entry) => entry.code).sort();
const CURRENCY_SET = new Set(CURRENCY_CODES);
const CURRENCY_DIGITS = new Map((currencyData as CurrencyEntry[]).map((entry) => [entry.code, entry.digits]));

/** The minor units an ISO 4217 currency is written with (2 for EUR, 0 for JPY), or undefined for an unknown code. */
export function currencyDigits(code: string): number | undefined {
  return CURRENCY_DIGITS.get(code);
}

/** Symbols and everyday names. Ambiguous symbols map to their most common currency (`$` → USD, `kr` → SEK). */
const CURRENCY_WORDS: Record<string, string> = {
  "€": "EUR", eur: "EUR", euro: "EUR", euros: "EUR", "$": "USD", "us$": "USD", "us dollar": "USD", "us dollars": "USD",
  dollar: "USD", dollars: "USD", "u.s. dollars": "USD", "£": "GBP", "pound sterling": "GBP", pounds: "GBP", pound: "GBP",
  sterling: "GBP", "¥": "JPY", yen: "JPY", "₹": "INR", rupee: "INR", rupees: "INR", "₩": "KRW", won: "KRW",
  "₽": "RUB", "₺": "TRY", "₪": "ILS", "₫": "VND", "₱": "PHP", "฿": "THB", "zł": "PLN", zl: "PLN", zloty: "PLN",
  "kč": "CZK", kc: "CZK", "fr.": "CHF", sfr: "CHF", "franken": "CHF", "swiss franc": "CHF", "swiss francs": "CHF",
  "ca$": "CAD", "c$": "CAD", "canadian dollar": "CAD", "canadian dollars": "CAD", "a$": "AUD", "au$": "AUD",
  "australian dollar": "AUD", "australian dollars": "AUD", "nz$": "NZD", "hk$": "HKD", "r$": "BRL", real: "BRL",
  reais: "BRL", kr: "SEK", "kr.": "DKK", yuan: "CNY", renminbi: "CNY", rmb: "CNY", "元": "CNY", "円": "JPY",
};

let currencyNames: Map<string, string> | undefined;
function currencyNameTable(): Map<string, string> {
  if (!currencyNames) {
    currencyNames = new Map();
    for (const entry of currencyData as CurrencyEntry[]) {
      currencyNames.set(foldText(entry.currency), entry.code);
    }
    for (const [word, code] of Object.entries(CURRENCY_WORDS)) {
      currencyNames.set(word, code);
      // Symbols fold to nothing; an empty key would match every blank or punctuation-only text.
      if (foldText(word)) currencyNames.set(foldText(word), code);
    }
  }
  return currencyNames;
}

export function isCurrencyCode(code: string): boolean {
  return CURRENCY_SET.has(code);
}

/** A code, symbol or name → ISO 4217 code, or undefined. */
export function currencyCode(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^[A-Za-z]{3}$/.test(trimmed) && CURRENCY_SET.has(trimmed.toUpperCase())) {
    return trimmed.toUpperCase();
  }
  if (!trimmed) return undefined;
  const table = currencyNameTable();
  return table.get(trimmed.toLowerCase()) ?? (foldText(trimmed) ? table.get(foldText(trimmed)) : undefined);
}

/** Finds a currency mentioned anywhere in `text` (a code, a symbol), e.g. in `Total: € 1.234,50`. */
export function findCurrency(text: string): string | undefined {
  for (const match of text.matchAll(/\b[A-Z]{3}\b/g)) {
    if (CURRENCY_SET.has(match[0]) && !["THE", "AND", "FOR", "NOT", "ALL", "TAX", "VAT", "NET", "DUE", "PER"].includes(match[0])) {
      return match[0];
    }
  }
  const symbol = /(US\$|CA\$|AU\$|NZ\$|HK\$|R\$|[€$£¥₹₩₽₺₪₫₱฿]|\bzł|\bKč|\bFr\.|\bCHF)/.exec(text);
  return symbol ? currencyCode(symbol[0]) : undefined;
}
