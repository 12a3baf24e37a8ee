import { describe, expect, it } from "vitest";
import { parseAddress } from "../../../src/extraction/address";
import { ibanChecksumValid } from "../../../src/extraction/iban";
import { findDates, parseNumberText, parseScalar, slashDateOrderOf, type ParseContext } from "../../../src/extraction/parse";
import { countryCode, currencyCode } from "../../../src/extraction/reference-data";
import type { ScalarField } from "../../../src/extraction/schema";

const field = (type: ScalarField["type"], extra: Record<string, unknown> = {}) =>
  ({ name: "f", description: "", is_required: false, type, ...extra }) as ScalarField;
const US: ParseContext = { slashDateOrder: "mdy", today: "2026-06-15" };
const EU: ParseContext = { slashDateOrder: "dmy", today: "2026-06-15" };
const value = (type: ScalarField["type"], text: string, extra: Record<string, unknown> = {}, context = US) => parseScalar(field(type, extra), text, context)?.value;

describe("numbers and amounts", () => {
  it.each([
    ["1,234.56", 1234.56], ["1.234,56", 1234.56], ["1 234,56", 1234.56], ["1'234.56", 1234.56], ["1234,5", 1234.5],
    ["1,234", 1234], ["1,234,567", 1234567], ["1.234.567", 1234567], ["0,5", 0.5], ["12", 12], ["(12.00)", -12], ["-7.5", -7.5],
    ["12.00-", -12], ["1.5", 1.5], ["1.234", 1.234], ["0,234", 0.234],
  ])("%s → %d", (text, expected) => {
    expect(parseNumberText(text)).toBe(expected);
  });

  it.each(["", "abc", "1.2.3,4,5", "12a", "10 20", "1 - 2", "2024-01-02", "12.04.2025", "1,23,4"])("%j is no number", (text) => {
    expect(parseNumberText(text)).toBeUndefined();
  });

  it("reads amounts with symbols and codes before or after, and rounds to decimal_points", () => {
    expect(value("CURRENCY_AMOUNT", "$1,234.50")).toBe(1234.5);
    expect(value("CURRENCY_AMOUNT", "1.234,50 €")).toBe(1234.5);
    expect(value("CURRENCY_AMOUNT", "EUR 99,90")).toBe(99.9);
    expect(value("CURRENCY_AMOUNT", "CHF 1'250.00")).toBe(1250);
    expect(value("CURRENCY_AMOUNT", "£12")).toBe(12);
    expect(value("DECIMAL", "3.14159", { decimal_points: 2 })).toBe(3.14);
    expect(value("DECIMAL", "12,5 kg")).toBe(12.5);
    expect(parseScalar(field("CURRENCY_AMOUNT"), "due in 30 days: 45.00")).toEqual({ value: 30, exact: false });
  });

  it("keeps INTEGER whole and every number inside min/max", () => {
    expect(value("INTEGER", "12")).toBe(12);
    expect(value("INTEGER", "12.00")).toBe(12);
    expect(value("INTEGER", "12.5")).toBeUndefined();
    expect(value("INTEGER", "30 days")).toBe(30);
    expect(value("INTEGER", "150", { max: 100 })).toBeUndefined();
    expect(value("DECIMAL", "-3", { min: 0 })).toBeUndefined();
    expect(value("INTEGER", "between 5 and 500", { min: 100 })).toBe(500);
  });
});

describe("dates, times, date-times", () => {
  it.each([
    ["2024-12-31", "2024-12-31"], ["2024/12/31", "2024-12-31"], ["12/31/2024", "2024-12-31"], ["31/12/2024", "2024-12-31"],
    ["31.12.2024", "2024-12-31"], ["31-12-2024", "2024-12-31"], ["December 31, 2024", "2024-12-31"], ["Dec. 31st 2024", "2024-12-31"],
    ["31 December 2024", "2024-12-31"], ["31. Dezember 2024", "2024-12-31"], ["1er janvier 2025", "2025-01-01"], ["3 de marzo de 2025", "2025-03-03"],
    ["18 août 2025", "2025-08-18"], ["31.12.24", "2024-12-31"], ["Date: 5 Mar 2025", "2025-03-05"],
  ])("%s → %s", (text, expected) => {
    expect(value("DATE", text)).toBe(expected);
  });

  it("reads ambiguous slash dates by the document's rule: month first unless the document says day first", () => {
    expect(value("DATE", "03/04/2025", {}, US)).toBe("2025-03-04");
    expect(value("DATE", "03/04/2025", {}, EU)).toBe("2025-04-03");
    expect(slashDateOrderOf("Date 25/03/2025, due 03/04/2025")).toBe("dmy");
    expect(slashDateOrderOf("Date 03/25/2025, due 03/04/2025")).toBe("mdy");
    expect(slashDateOrderOf("Due 03/04/2025. Total 1.234,56 €")).toBe("dmy");
    expect(slashDateOrderOf("Due 03/04/2025. Total $1,234.56")).toBe("mdy");
    expect(parseScalar(field("DATE"), "03/04/2025", US)?.exact).toBe(false);
  });

  it("refuses impossible dates and applies allow_future_dates / allow_past_dates", () => {
    expect(value("DATE", "31.02.2024")).toBeUndefined();
    expect(value("DATE", "2024-13-01")).toBeUndefined();
    expect(value("DATE", "2027-01-01", { allow_future_dates: false })).toBeUndefined();
    expect(value("DATE", "2025-01-01", { allow_past_dates: false })).toBeUndefined();
    expect(value("DATE", "2025-01-01 or 2027-01-01", { allow_past_dates: false })).toBe("2027-01-01");
    expect(findDates("from 01.02.2025 to 2025-03-04").map((date) => date.date)).toEqual(["2025-02-01", "2025-03-04"]);
  });

  it.each([["14:30", "14:30:00"], ["2:30 PM", "14:30:00"], ["12:05 am", "00:05:00"], ["9 am", "09:00:00"], ["14.30 Uhr", "14:30:00"], ["14h30", "14:30:00"], ["08:15:59", "08:15:59"]])(
    "time %s → %s",
    (text, expected) => {
      expect(value("TIME", text)).toBe(expected);
    },
  );

  it("refuses impossible times", () => {
    expect(value("TIME", "25:00")).toBeUndefined();
    expect(value("TIME", "13:00 PM")).toBeUndefined();
  });

  it("reads date-times in ISO and in document formats", () => {
    expect(value("DATETIME", "2024-12-31T23:59:00Z")).toBe("2024-12-31T23:59:00Z");
    expect(value("DATETIME", "2024-12-31 08:00:05+0100")).toBe("2024-12-31T08:00:05+01:00");
    expect(value("DATETIME", "31.12.2024 14:30")).toBe("2024-12-31T14:30:00");
    expect(value("DATETIME", "December 31, 2024 at 2:30 PM")).toBe("2024-12-31T14:30:00");
    expect(value("DATETIME", "31.12.2024")).toBe("2024-12-31T00:00:00");
    expect(value("DATETIME", "2027-01-01T00:00:00Z", { allow_future_dates: false })).toBeUndefined();
  });
});

describe("identifiers and codes", () => {
  it("validates IBANs with mod-97, with or without spaces, inside longer text", () => {
    expect(ibanChecksumValid("DE89370400440532013000")).toBe(true);
    expect(ibanChecksumValid("DE89370400440532013001")).toBe(false);
    expect(value("IBAN", "DE89 3704 0044 0532 0130 00")).toBe("DE89370400440532013000");
    expect(value("IBAN", "IBAN: gb29 nwbk 6016 1331 9268 19 (Natwest)")).toBe("GB29NWBK60161331926819");
    expect(value("IBAN", "FR14 2004 1010 0505 0001 3M02 606")).toBe("FR1420041010050500013M02606");
    expect(value("IBAN", "DE89 3704 0044 0532 0130 01")).toBeUndefined();
    expect(value("IBAN", "not an iban")).toBeUndefined();
  });

  it("finds e-mail addresses and lowercases the domain only", () => {
    expect(value("EMAIL", "Billing@ACME.Example")).toBe("Billing@acme.example");
    expect(value("EMAIL", "Contact: Jane <jane.doe+inv@mail.example.co.uk>")).toBe("jane.doe+inv@mail.example.co.uk");
    expect(parseScalar(field("EMAIL"), "mailto:a@b.io")).toEqual({ value: "a@b.io", exact: true });
    expect(value("EMAIL", "a@b")).toBeUndefined();
  });

  it("maps country names (four languages), alpha-3 codes and aliases to alpha-2", () => {
    expect(countryCode("Germany")).toBe("DE");
    expect(countryCode("Deutschland")).toBe("DE");
    expect(countryCode("Allemagne")).toBe("DE");
    expect(countryCode("Österreich")).toBe("AT");
    expect(countryCode("USA")).toBe("US");
    expect(countryCode("United Kingdom")).toBe("GB");
    expect(countryCode("FRA")).toBe("FR");
    expect(countryCode("CH")).toBe("CH");
    expect(countryCode("in")).toBeUndefined();
    expect(value("COUNTRY", "the laws of England and Wales")).toBe("GB");
    expect(value("COUNTRY", "Berlin, Germany")).toBe("DE");
    expect(value("COUNTRY", "Atlantis")).toBeUndefined();
  });

  it("maps currency symbols, names and codes to ISO 4217", () => {
    expect(currencyCode("€")).toBe("EUR");
    expect(currencyCode("eur")).toBe("EUR");
    expect(currencyCode("US dollars")).toBe("USD");
    expect(currencyCode("£")).toBe("GBP");
    expect(currencyCode("Swiss Franc")).toBe("CHF");
    expect(currencyCode("---")).toBeUndefined();
    expect(value("CURRENCY_CODE", "Total: 1.234,00 €")).toBe("EUR");
    expect(value("CURRENCY_CODE", "Amount in JPY")).toBe("JPY");
    expect(value("CURRENCY_CODE", "THE END")).toBeUndefined();
  });
});

describe("booleans, enums, text", () => {
  it.each([["Yes", true], ["no", false], ["TRUE", true], ["false", false], ["Ja", true], ["Nein", false], ["oui", true], ["[x] paid", true], ["[ ]", false], ["☑", true], ["☐", false], ["checked", true], ["Yes, by card", true]])(
    "boolean %s → %s",
    (text, expected) => {
      expect(value("BOOLEAN", text)).toBe(expected);
    },
  );

  it("does not read a boolean from unrelated text", () => {
    expect(value("BOOLEAN", "maybe later")).toBeUndefined();
  });

  it("matches ENUM values ignoring case and accents, keeps min/max_selected", () => {
    const values = ["Card", "Cash", "Bank transfer"];
    expect(value("ENUM", "card", { values })).toEqual(["Card"]);
    expect(value("ENUM", "Paid by bank transfer and cash", { values })).toEqual(["Bank transfer", "Cash"]);
    expect(value("ENUM", "Paid by bank transfer and cash", { values, max_selected: 1 })).toEqual(["Bank transfer"]);
    expect(value("ENUM", "card", { values, min_selected: 2 })).toBeUndefined();
    expect(value("ENUM", "cheque", { values })).toBeUndefined();
    expect(value("ENUM", "Café", { values: ["cafe"] })).toEqual(["cafe"]);
  });

  it("trims TEXT and cuts it at max_length", () => {
    expect(value("TEXT", "  ACME  ")).toBe("ACME");
    expect(value("TEXTAREA", "abcdef", { max_length: 3 })).toBe("abc");
    expect(value("TEXT", "   ")).toBeUndefined();
  });
});

describe("addresses", () => {
  it.each([
    [["742 Evergreen Terrace", "Springfield, IL 62704"], { street: "742 Evergreen Terrace", city: "Springfield", region: "IL", postal_code: "62704", country: "US" }],
    [["ACME GmbH", "Hauptstraße 5", "10115 Berlin", "Germany"], { street: "Hauptstraße 5", city: "Berlin", region: null, postal_code: "10115", country: "DE" }],
    [["10 Downing Street", "London SW1A 2AA"], { street: "10 Downing Street", city: "London", region: null, postal_code: "SW1A 2AA", country: "GB" }],
    [["18 rue de la Paix, 75002 Paris, France"], { street: "18 rue de la Paix", city: "Paris", region: null, postal_code: "75002", country: "FR" }],
    [["1 Main St, Springfield, IL 62704"], { street: "1 Main St", city: "Springfield", region: "IL", postal_code: "62704", country: "US" }],
    [["Keizersgracht 123", "1015 CJ Amsterdam"], { street: "Keizersgracht 123", city: "Amsterdam", region: null, postal_code: "1015 CJ", country: "NL" }],
    [["100 King St W", "Toronto, ON M5X 1A9"], { street: "100 King St W", city: "Toronto", region: "ON", postal_code: "M5X 1A9", country: "CA" }],
    [["Bahnhofstrasse 1", "CH-8001 Zürich"], { street: "Bahnhofstrasse 1", city: "Zürich", region: null, postal_code: "8001", country: "CH" }],
  ])("%j", (lines, expected) => {
    expect(parseAddress(lines)).toEqual(expected);
  });

  it("needs a locality line", () => {
    expect(parseAddress(["Somewhere nice"])).toBeUndefined();
  });
});
