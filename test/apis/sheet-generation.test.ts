/**
 * Sheet generation through the route, every output read back: the XLSX by SheetJS (cell types, values, number
 * formats, formulas and their cached results, merges, widths, fills) and its style table for fonts; CSV by
 * papaparse; Markdown as text. Formulas are checked against hand-computed values. Bad input is a 400 naming the
 * path with nothing charged; async delivers the file by webhook.
 */
import { env } from "cloudflare:workers";
import * as XLSX from "@e965/xlsx";
import { strFromU8, unzipSync } from "fflate";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, expectRefused } from "../helpers/http";
import { base64Of, bytesOf } from "../helpers/images";
import { waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

const PATH = "/sheet-generation/v1/generate";

async function generate(body: Record<string, unknown>, credits = 10) {
  const account = await createAccount(credits);
  const res = await callJson(PATH, { key: account.apiKey, body });
  const bytes = res.status === 200 ? bytesOf(res.body.data.buffer) : new Uint8Array();
  return { ...res, bytes, text: new TextDecoder().decode(bytes), account, spent: credits - (await balanceOf(account.accountId)) };
}

function readXlsx(bytes: Uint8Array) {
  const workbook = XLSX.read(bytes, { type: "array", cellStyles: true, cellNF: true, cellFormula: true, cellDates: false });
  return workbook;
}

/** The font of a cell, through the `s` attribute in the sheet XML and the style table SheetJS parsed. */
function fontOf(bytes: Uint8Array, workbook: XLSX.WorkBook, ref: string, sheet = 1) {
  const xml = strFromU8(unzipSync(bytes)[`xl/worksheets/sheet${sheet}.xml`]!);
  const match = new RegExp(`<c r="${ref}"(?: s="(\\d+)")?`).exec(xml);
  const xf = (workbook as unknown as { Styles: { CellXf: { fontId?: number }[]; Fonts: Record<string, unknown>[] } }).Styles;
  const style = xf.CellXf[Number(match?.[1] ?? 0)]!;
  return xf.Fonts[style.fontId ?? 0]!;
}

const INVOICE = {
  format: "xlsx",
  styles: {
    header: { font_family: "Helvetica", font_size_in_pt: 12, is_bold: true, background_color: "#0D47A1", font_color: "#FFFFFF" },
    body: { font_family: "Helvetica", font_size_in_pt: 11, font_color: "#333333" },
  },
  sheets: [
    {
      name: "Invoices",
      columns: [{ name: "Company", width: 20 }, { name: "Date" }, { name: "Hours", width: 10 }, { name: "Rate", width: 14 }, { name: "Share" }, { name: "Paid" }],
      rows: [
        ["Acme Corp", { value: "2026-03-18", format: "date" }, { value: 4.5, format: "number" }, { value: 1500.5, format: "currency", currency_code: "EUR", number_style: "period_comma" }, { value: 0.125, format: "percentage" }, true],
        ["Globex", { value: "2026-03-19T14:30:00", format: "datetime" }, { value: 2, format: "decimal" }, { value: 980, format: "currency" }, { value: 0.5, format: "percentage" }, false],
        [{ value: "Total", styles: { is_bold: true, is_italic: true, horizontal_alignment: "right" } }, null, "=SUM(C2:C3)", { value: "=SUM(D2:D3)", format: "currency" }, "=AVERAGE(E2:E3)", "=COUNT(A2:F3)"],
      ],
    },
  ],
};

describe("sheet generation: XLSX", () => {
  it("writes typed cells, number formats, formulas with cached results, widths and styles that a reader reads back", async () => {
    const { status, body, bytes, spent } = await generate(INVOICE);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.data.mime_type).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(spent).toBe(2);
    const workbook = readXlsx(bytes);
    expect(workbook.SheetNames).toEqual(["Invoices"]);
    const sheet = workbook.Sheets.Invoices!;
    // The header row from the column names, in the header style.
    expect(["A1", "B1", "C1", "D1", "E1", "F1"].map((ref) => sheet[ref]?.v)).toEqual(["Company", "Date", "Hours", "Rate", "Share", "Paid"]);
    expect(sheet.A1!.s).toMatchObject({ patternType: "solid", fgColor: { rgb: "0D47A1" } });
    expect(fontOf(bytes, workbook, "A1")).toMatchObject({ name: "Helvetica", sz: 12, bold: 1, color: { rgb: "FFFFFF" } });
    expect(fontOf(bytes, workbook, "A2")).toMatchObject({ name: "Helvetica", sz: 11, color: { rgb: "333333" } });
    expect(fontOf(bytes, workbook, "A4")).toMatchObject({ bold: 1, italic: 1 });
    // Types: strings, numbers, booleans; null is an empty cell (one that holds only the body style).
    expect(sheet.A2).toMatchObject({ t: "s", v: "Acme Corp" });
    expect(sheet.F2).toMatchObject({ t: "b", v: true });
    expect(sheet.F3).toMatchObject({ t: "b", v: false });
    expect(sheet.B4).toMatchObject({ t: "z" });
    expect(sheet.B4!.v).toBeUndefined();
    // Dates as serials with a date format: 2026-03-18 is day 46099; 14:30 is 0.6041666 of a day.
    expect(sheet.B2).toMatchObject({ t: "n", v: 46099, z: "yyyy-mm-dd" });
    expect(sheet.B3!.v).toBeCloseTo(46100 + 14.5 / 24, 8);
    expect(sheet.B3!.z).toBe("yyyy-mm-dd hh:mm:ss");
    // Numbers with their formats: the number's own decimals, two for decimal, the currency and its style, percent.
    expect(sheet.C2).toMatchObject({ t: "n", v: 4.5, z: "[$-409]#,##0.0" });
    expect(sheet.C3).toMatchObject({ t: "n", v: 2, z: "[$-409]#,##0.00" });
    expect(sheet.D2).toMatchObject({ t: "n", v: 1500.5, z: '[$-407]#,##0.00 "€"' });
    expect(sheet.D3).toMatchObject({ t: "n", v: 980, z: '[$-409]"$"#,##0.00' });
    expect(sheet.E2).toMatchObject({ t: "n", v: 0.125, z: "[$-409]0.0%" });
    expect(sheet.E3!.z).toBe("[$-409]0%");
    // Formulas written as formulas, with the results Lamina computed cached beside them.
    expect(sheet.C4).toMatchObject({ f: "SUM(C2:C3)", v: 6.5 });
    expect(sheet.D4).toMatchObject({ f: "SUM(D2:D3)", v: 2480.5, z: '[$-409]"$"#,##0.00' });
    expect(sheet.E4).toMatchObject({ f: "AVERAGE(E2:E3)", v: 0.3125 });
    // COUNT over A2:F3 counts numbers: dates, hours, rates and shares (4 a row); not text or booleans.
    expect(sheet.F4).toMatchObject({ f: "COUNT(A2:F3)", v: 8 });
    // Widths: as given, and fitted to the content where not.
    const cols = sheet["!cols"]!;
    expect(cols[0]!.width).toBe(20);
    expect(cols[2]!.width).toBe(10);
    expect(cols[1]!.width).toBeGreaterThanOrEqual(10);
    expect(cols[1]!.width).toBeLessThan(30);
    // Alignment lives in the XML.
    const xml = strFromU8(unzipSync(bytes)["xl/styles.xml"]!);
    expect(xml).toContain('<alignment horizontal="right"/>');
  });
});

describe("sheet generation: XLSX structure", () => {
  it("writes merges (value at the top-left), several sheets, times, custom codes, formula errors and formulas left to the reader", async () => {
    const { status, body, bytes } = await generate({
      format: "xlsx",
      sheets: [
        {
          name: "Report & summary",
          columns: [{ name: "A" }, { name: "B" }, { name: "C" }],
          rows: [
            [{ value: "Title across three", from_col: 0, to_col: 2, styles: { font_size_in_pt: 14 } }],
            [null, { value: "Tall", from_row: 1, to_row: 2 }, 1],
            [null, null, 2],
            [{ value: "14:30:15", format: "time" }, { value: "2026-03-18", format: "custom", styles: { number_format: "dd.mm.yyyy" } }, "=1/0"],
            ["=VLOOKUP(C2,C2:C3,1,FALSE)", "=A6+1", "=B6"],
            ["=A7", "=C3+C4", 12.75],
          ],
        },
        { columns: [{ name: "Only" }], rows: [["second sheet"]] },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const workbook = readXlsx(bytes);
    expect(workbook.SheetNames).toEqual(["Report & summary", "Sheet2"]);
    const sheet = workbook.Sheets["Report & summary"]!;
    expect(sheet["!merges"]!.map((range) => XLSX.utils.encode_range(range)).sort()).toEqual(["A2:C2", "B3:B4"]);
    expect(sheet.A2!.v).toBe("Title across three");
    expect(sheet.B3!.v).toBe("Tall");
    expect(sheet.C3!.v).toBe(1);
    expect(sheet.A5!.v).toBeCloseTo((14 * 3600 + 30 * 60 + 15) / 86400, 10);
    expect(sheet.A5!.z).toBe("hh:mm:ss");
    expect(sheet.B5).toMatchObject({ v: 46099, z: "dd.mm.yyyy" });
    // An error is cached as an error; formulas Lamina does not evaluate, and those that read them, carry no value.
    expect(sheet.C5).toMatchObject({ t: "e", f: "1/0" });
    expect(sheet.C5!.w).toBe("#DIV/0!");
    const xml = strFromU8(unzipSync(bytes)["xl/worksheets/sheet1.xml"]!);
    expect(xml).toContain('<c r="A6"><f>VLOOKUP(C2,C2:C3,1,FALSE)</f></c>');
    expect(xml).toContain('<c r="B6"><f>A6+1</f></c>');
    // A7 reads A7's own row: =A7 is a cycle with itself, so it is left to the reader as well.
    expect(xml).toContain('<c r="A7"><f>A7</f></c>');
    expect(sheet.B7).toMatchObject({ f: "C3+C4", v: 3 });
    // The header stays in view; readers recalculate on open.
    expect(xml).toContain('state="frozen"');
    expect(strFromU8(unzipSync(bytes)["xl/workbook.xml"]!)).toContain('fullCalcOnLoad="1"');
    expect(workbook.Sheets.Sheet2!.A2!.v).toBe("second sheet");
  });

  it("escapes XML and controls in text, keeps leading spaces and line breaks (wrapped), and a formula-looking text with format text stays text", async () => {
    const { status, bytes } = await generate({
      format: "xlsx",
      sheets: [{ columns: [{ name: "<b>&\"x\"" }], rows: [["  two\nlines"], ["bell\u0007 and _x0041_"], [{ value: "=SUM(1,2)", format: "text" }], [{ value: 42, format: "text" }]] }],
    });
    expect(status).toBe(200);
    const sheet = readXlsx(bytes).Sheets.Sheet1!;
    expect(sheet.A1!.v).toBe('<b>&"x"');
    expect(sheet.A2!.v).toBe("  two\nlines");
    expect(sheet.A3!.v).toBe("bell\u0007 and _x0041_");
    expect(sheet.A4).toMatchObject({ t: "s", v: "=SUM(1,2)", z: "@" });
    expect(sheet.A4!.f).toBeUndefined();
    expect(sheet.A5).toMatchObject({ t: "s", v: "42" });
    expect(strFromU8(unzipSync(bytes)["xl/styles.xml"]!)).toContain('wrapText="1"');
  });
  it("a declared font is read and checked, and the workbook names its family (SpreadsheetML has no way to carry the file)", async () => {
    const inter = new Uint8Array((await env.ASSETS.fetch("https://assets.invalid/fonts/inter/400-normal.ttf").then((r) => r.arrayBuffer())) as ArrayBuffer);
    const { status, bytes } = await generate({
      format: "xlsx",
      fonts: [{ name: "Brand Sans", weight: "regular", style: "normal", buffer: base64Of(inter) }],
      styles: { body: { font_family: "Brand Sans" } },
      sheets: [{ columns: [{ name: "Text" }], rows: [["in the brand font"]] }],
    });
    expect(status).toBe(200);
    const workbook = readXlsx(bytes);
    expect(fontOf(bytes, workbook, "A2")).toMatchObject({ name: "Brand Sans" });
    expect(Object.keys(unzipSync(bytes)).some((path) => path.includes("font"))).toBe(false);
  });
});

describe("sheet generation: CSV and Markdown", () => {
  it("CSV: RFC 4180 quoting, the header first, values as written, CRLF", async () => {
    const { status, body, text } = await generate({
      format: "csv",
      sheets: [
        {
          columns: [{ name: "Name" }, { name: "Note, with comma" }, { name: "Amount" }, { name: "When" }, { name: "Ok" }],
          rows: [
            ['Say "hi"', "line one\nline two", { value: 1500.5, format: "currency", currency_code: "EUR", number_style: "period_comma" }, { value: "2026-03-18", format: "date" }, true],
            ["plain", null, { value: "12.50", format: "decimal" }, { value: "09:15", format: "time" }],
          ],
        },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.data.mime_type).toBe("text/csv");
    expect(text).toBe('Name,"Note, with comma",Amount,When,Ok\r\n"Say ""hi""","line one\nline two",1500.5,2026-03-18,true\r\nplain,,12.50,09:15,\r\n');
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    expect(parsed.data).toEqual([
      ["Name", "Note, with comma", "Amount", "When", "Ok"],
      ['Say "hi"', "line one\nline two", "1500.5", "2026-03-18", "true"],
      ["plain", "", "12.50", "09:15", ""],
    ]);
  });

  it("evaluates SUM, AVERAGE, COUNT, MIN, MAX and arithmetic by spreadsheet rules; the rest is emitted as written", async () => {
    // Column A (rows 2–9): 10, 20, "text", empty, 5, TRUE, "7" (numeric text), empty. Column B holds the formulas.
    const formulas: [string | number | boolean | null, string, string][] = [
      [10, "=SUM(A2:A6)", "35"], // text and the empty cell are skipped
      [20, "=AVERAGE(A2:A6)", "11.6666666666667"], // 35 / 3, to Excel's 15 significant digits
      ["text", "=COUNT(A2:A6)", "3"], // numbers only
      [null, "=MIN(A2:A6)", "5"],
      [5, "=MAX(A2:A6)", "20"],
      [true, "=SUM($A$2:A3, 1.5, TRUE)", "32.5"], // 10 + 20 + 1.5 + 1: a literal TRUE counts
      ["7", "=A2+A5*2", "10"], // an empty cell is 0 in arithmetic
      [null, "=-2^2+10%", "4.1"], // Excel negates before ^: (-2)^2 = 4
      [null, "=SUM(B4:B6)/COUNT(B4,B5)", "14"], // (3 + 5 + 20) / 2
      [null, "=B12+1", "36"], // reads a formula further down
      [null, "=B2", "35"],
      [null, "=A4+1", "#VALUE!"], // text in arithmetic
      [null, "=AVERAGE(A5)", "#DIV/0!"], // no numbers
      [null, "=A8*2", "14"], // numeric text is a number in arithmetic
      [null, "=SUM(A:A)", "35"], // the whole column: header and texts skipped, TRUE in a range skipped
      [null, "=SUM(B13:B14)", "#VALUE!"], // an error in a range is the result
      [null, "=COUNT(B13:B15)", "1"], // COUNT skips errors
      [null, '=CONCAT("a","b")', '=CONCAT("a","b")'], // not a function Lamina evaluates
      [null, "=B19", "=B19"], // reads a formula that is not evaluated
      [null, "=B22", "=B22"], // a cycle of two
      [null, "=B21", "=B21"],
      [null, "=Sheet2!A1+1", "=Sheet2!A1+1"], // another sheet
      [null, "=B24", "=B24"], // itself
    ];
    const rows = formulas.map(([a, b]) => [a, b]);
    const { status, body, text } = await generate({ format: "csv", sheets: [{ columns: [{ name: "A" }, { name: "B" }], rows }] });
    expect(status, JSON.stringify(body)).toBe(200);
    const column = Papa.parse<string[]>(text, { skipEmptyLines: true }).data.slice(1).map((row) => row[1]);
    expect(column).toEqual(formulas.map(([, , expected]) => expected));
  });

  it("evaluates a chain of 20,000 formulas, each reading the one before, without running out of stack", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i === 0 ? 1 : `=A${i + 1}+1`]);
    const { status, text } = await generate({ format: "csv", sheets: [{ columns: [{ name: "n" }], rows }] });
    expect(status).toBe(200);
    const lines = text.trimEnd().split("\r\n");
    expect(lines.length).toBe(20_001);
    expect(lines.at(-1)).toBe("20000");
  });

  it("Markdown: a heading and a GFM table per sheet, pipes escaped, line breaks as <br>, formulas evaluated", async () => {
    const { status, body, text } = await generate({
      format: "markdown",
      sheets: [
        { name: "Costs", columns: [{ name: "Item" }, { name: "Cost" }], rows: [["a|b", 2], ["two\nlines", 3], ["Total", "=SUM(B2:B3)"]] },
        { name: "Empty", columns: [{ name: "Only" }] },
      ],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.data.mime_type).toBe("text/markdown");
    expect(text).toBe(
      "## Costs\n\n| Item | Cost |\n| --- | --- |\n| a\\|b | 2 |\n| two<br>lines | 3 |\n| Total | 5 |\n\n## Empty\n\n| Only |\n| --- |\n",
    );
  });
});

describe("sheet generation: bad input", () => {
  const sheet = (rows: unknown[][], columns = 3) => ({ columns: Array.from({ length: columns }, (_, i) => ({ name: `C${i}` })), rows });
  it.each([
    ["no sheets", { format: "xlsx", sheets: [] }, /^sheets: /],
    ["no columns", { format: "xlsx", sheets: [{ columns: [], rows: [] }] }, /^sheets\.0\.columns: /],
    ["an unknown cell format", { format: "xlsx", sheets: [sheet([[1], [2], [3], [4, 5, { value: 1, format: "money" }]])] }, /^sheets\.0\.rows\.3\.2\.format: Invalid option/],
    ["a bad colour", { format: "xlsx", styles: { header: { background_color: "blue" } }, sheets: [sheet([])] }, /^styles\.header\.background_color: must be a hex color/],
    ["a bad cell colour", { format: "xlsx", sheets: [sheet([[{ value: 1, styles: { font_color: "#12345" } }]])] }, /^sheets\.0\.rows\.0\.0\.styles\.font_color: must be a hex color/],
    ["more cells than columns", { format: "csv", sheets: [sheet([[1, 2, 3, 4]])] }, /^sheets\.0\.rows\.0\.3: the row has 4 cells; the sheet has 3 columns/],
    ["two sheets as CSV", { format: "csv", sheets: [sheet([]), sheet([])] }, /^sheets: a CSV file holds one sheet; this request has 2/],
    ["a merge past the columns", { format: "xlsx", sheets: [sheet([[{ value: "x", from_col: 0, to_col: 3 }]])] }, /^sheets\.0\.rows\.0\.0\.to_col: the merge ends at column 3; the sheet has columns 0 to 2/],
    ["a merge past the rows", { format: "xlsx", sheets: [sheet([[{ value: "x", to_row: 1 }]])] }, /^sheets\.0\.rows\.0\.0\.to_row: the merge ends at row 1; the sheet has rows 0 to 0/],
    ["a merge backwards", { format: "xlsx", sheets: [sheet([[null, { value: "x", from_col: 1, to_col: 0 }]])] }, /^sheets\.0\.rows\.0\.1\.to_col: to_col 0 is before from_col 1/],
    ["overlapping merges", { format: "xlsx", sheets: [sheet([[{ value: "a", to_col: 1 }], [{ value: "b", from_row: 0, to_row: 1 }]])] }, /^sheets\.0\.rows\.1\.0: the merge overlaps the one declared at rows\.0\.0/],
    ["a value under a merge", { format: "xlsx", sheets: [sheet([[{ value: "a", to_col: 2 }, null, "lost"]])] }, /^sheets\.0\.rows\.0\.2: the cell lies under the merge declared at rows\.0\.0; it must be empty/],
    ["a merge that leaves its cell out", { format: "xlsx", sheets: [sheet([[null, null, { value: "a", from_col: 0, to_col: 1 }]])] }, /^sheets\.0\.rows\.0\.2\.from_col: the merge .* must contain the cell that declares it/],
    ["a date that is not one", { format: "xlsx", sheets: [sheet([[{ value: "2026-02-30", format: "date" }]])] }, /^sheets\.0\.rows\.0\.0\.value: format date needs an ISO 8601 date/],
    ["a number that is not one", { format: "xlsx", sheets: [sheet([[{ value: "12 apples", format: "currency" }]])] }, /^sheets\.0\.rows\.0\.0\.value: format currency needs a number/],
    ["an unknown currency", { format: "xlsx", sheets: [sheet([[{ value: 1, format: "currency", currency_code: "XYZ" }]])] }, /^sheets\.0\.rows\.0\.0\.currency_code: XYZ is not an ISO 4217 currency code/],
    ["a currency code on a number", { format: "xlsx", sheets: [sheet([[{ value: 1, format: "number", currency_code: "EUR" }]])] }, /^sheets\.0\.rows\.0\.0\.currency_code: applies to format currency only/],
    ["custom without a code", { format: "xlsx", sheets: [sheet([[{ value: 1, format: "custom" }]])] }, /^sheets\.0\.rows\.0\.0\.format: format custom needs styles\.number_format/],
    ["an unclosed formula", { format: "xlsx", sheets: [sheet([["=SUM(A1:A2"]])] }, /^sheets\.0\.rows\.0\.0\.value: the formula leaves a parenthesis open/],
    ["a sheet name Excel refuses", { format: "xlsx", sheets: [{ ...sheet([]), name: "Q1/Q2" }] }, /^sheets\.0\.name: a sheet name cannot hold any of/],
    ["two sheets of one name", { format: "xlsx", sheets: [{ ...sheet([]), name: "Data" }, { ...sheet([]), name: "data" }] }, /^sheets\.1\.name: the name data is taken by sheets\.0/],
    ["more cells than the budget", { format: "csv", sheets: [{ columns: Array.from({ length: 1000 }, (_, i) => ({ name: `C${i}` })), rows: Array.from({ length: 201 }, () => []) }] }, /^sheets\.0\.rows: a request holds at most 200,000 cells/],
    ["formulas that read too many cells", { format: "csv", sheets: [{ columns: [{ name: "A" }, { name: "B" }], rows: Array.from({ length: 2000 }, () => [1, "=SUM(A:A)"]) }] }, /^sheets: the ranges of the formulas cover 4,002,000 cells together; at most 2,000,000/],
  ])("refuses %s with a 400 naming the path, charging nothing", (_, body, message) => expectRefused(PATH, body, message));
});

describe("sheet generation: async", () => {
  it("201, the XLSX by signed webhook, 2 credits", async () => {
    const account = await createAccount(10);
    const hook = createReceiver();
    const res = await callJson(PATH, { key: account.apiKey, body: { ...INVOICE, webhook_url: hook.url } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(hook.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: true, api: "sheet_generation", data: { mime_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } });
    const sheet = readXlsx(bytesOf(payload.data.buffer)).Sheets.Invoices!;
    expect(sheet.D4).toMatchObject({ f: "SUM(D2:D3)", v: 2480.5 });
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("a declared font that is not a font file fails the job with a failure webhook, refunded", async () => {
    const account = await createAccount(10);
    const hook = createReceiver();
    const fonts = [{ name: "Brand", weight: "regular", style: "normal", buffer: btoa("not a font") }];
    const res = await callJson(PATH, { key: account.apiKey, body: { ...INVOICE, fonts, webhook_url: hook.url } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    expect(JSON.parse(hook.deliveries[0]!.body)).toMatchObject({ success: false, api: "sheet_generation", error: { message: expect.stringMatching(/^fonts\.0 \(Brand\): not a TTF, OTF or WOFF file/) } });
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});
