import * as XLSX from "@e965/xlsx";
import { strToU8, zipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { readLineDocuments } from "../../../src/documents/lines";
import { detectFormat } from "../../../src/documents/readers";
import { countPdfPages } from "../../../src/documents/readers/pdf";

const bytes = (text: string) => new TextEncoder().encode(text);
const cells = async (text: string | Uint8Array, name: string) =>
  (await readLineDocuments(typeof text === "string" ? bytes(text) : text, name))[0]!.lines.map((line) => line.cells);
const tables = async (text: string | Uint8Array, name: string) => {
  const groups = new Map<number, string[][]>();
  for (const line of (await readLineDocuments(typeof text === "string" ? bytes(text) : text, name))[0]!.lines) {
    if (line.table !== undefined) groups.set(line.table, [...(groups.get(line.table) ?? []), line.cells]);
  }
  return [...groups.values()];
};

describe("format detection", () => {
  it("trusts the extension, then sniffs the bytes", () => {
    expect(detectFormat(bytes("a,b"), "x.csv")).toBe("csv");
    expect(detectFormat(bytes("%PDF-1.7"), "upload")).toBe("pdf");
    expect(detectFormat(bytes('{"a": 1}'), "upload")).toBe("json");
    expect(detectFormat(bytes("<!DOCTYPE html><html></html>"), "upload")).toBe("html");
    expect(detectFormat(bytes('<?xml version="1.0"?><a/>'), "upload")).toBe("xml");
    expect(detectFormat(bytes("From: a@b.c\nSubject: hi\n\nbody"), "upload")).toBe("eml");
    expect(detectFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), "upload")).toBe("image");
    expect(detectFormat(bytes("just words"), "upload")).toBe("text");
    expect(() => detectFormat(bytes("x"), "slides.key")).toThrow(/\.key files are not supported/);
  });
});

describe("text formats", () => {
  it("plain text keeps fixed-width columns as table rows and drops rule lines", async () => {
    const text = "Invoice: 1\n\nItem        Qty   Price\n-----------------------\nPen           2    1.50\nPaper        10    4.00\n";
    expect(await tables(text, "a.txt")).toEqual([[["Item", "Qty", "Price"], ["Pen", "2", "1.50"], ["Paper", "10", "4.00"]]]);
    expect((await cells(text, "a.txt"))[0]).toEqual(["Invoice: 1"]);
  });

  it("plain text: a blank line separates aligned blocks into tables of their own", async () => {
    const text = "Net      10.00\nTax       1.90\n\nItem     Qty\nPen        2\n";
    expect(await tables(text, "a.txt")).toEqual([[["Net", "10.00"], ["Tax", "1.90"]], [["Item", "Qty"], ["Pen", "2"]]]);
  });

  it("Markdown drops markup and reads pipe tables", async () => {
    const md = "# Title\n\n**Total:** 12 €\n\n| SKU | Qty |\n|---|---:|\n| A-1 | 2 |\n| B-2 | 3 |\n\n- [x] Paid\n";
    expect(await cells(md, "a.md")).toEqual([["Title"], ["Total: 12 €"], ["SKU", "Qty"], ["A-1", "2"], ["B-2", "3"], ["[x] Paid"]]);
    expect((await tables(md, "a.md")).length).toBe(1);
  });

  it("CSV and TSV are tables, with quotes, embedded separators and a BOM", async () => {
    expect(await tables('\uFEFFname,amount\n"Smith, J.","1,234.50"\n', "a.csv")).toEqual([[["name", "amount"], ["Smith, J.", "1,234.50"]]]);
    expect(await tables("a\tb\n1\t2\n", "a.tsv")).toEqual([[["a", "b"], ["1", "2"]]]);
  });

  it("reads Latin-1 text that is not UTF-8", async () => {
    expect(await cells(new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), "a.txt")).toEqual([["Müller"]]);
  });
});

describe("HTML", () => {
  it("ends lines at blocks and <br>, keeps tables, skips scripts and styles, reads checkboxes", async () => {
    const html =
      "<html><head><title>T</title><style>p{}</style></head><body><script>var x = 1;</script>" +
      "<h1>Invoice</h1><p>Number: <b>INV-1</b><br>Date: 2024-01-02</p>" +
      "<table><tr><th>Item</th><th>Price</th></tr><tr><td>Pen <i>blue</i></td><td>1.50</td></tr></table>" +
      "<dl><dt>Due</dt><dd>2024-02-01</dd></dl><label><input type=checkbox checked> Paid</label></body></html>";
    expect(await cells(html, "a.html")).toEqual([["Invoice"], ["Number: INV-1"], ["Date: 2024-01-02"], ["Item", "Price"], ["Pen blue", "1.50"], ["Due"], ["2024-02-01"], ["[x] Paid"]]);
  });
});

describe("HTML layout tables", () => {
  it("reads a table that contains tables as blocks of text, and the tables inside it as tables", async () => {
    const html =
      "<table><tr><td><h2>ACME LLC</h2><p>1 Main St<br>Springfield, IL 62704</p></td>" +
      "<td><table><tr><td>Invoice #:</td><td>A-1</td></tr><tr><td>Due By:</td><td>Mar 5, 2025</td></tr></table></td></tr></table>" +
      "<table><tr><th>Item</th><th>Qty</th></tr><tr><td>Pen</td><td>2</td></tr></table>";
    expect(await cells(html, "a.html")).toEqual([["ACME LLC"], ["1 Main St"], ["Springfield, IL 62704"], ["Invoice #:", "A-1"], ["Due By:", "Mar 5, 2025"], ["Item", "Qty"], ["Pen", "2"]]);
    expect((await tables(html, "a.html")).length).toBe(2);
  });
});

describe("structured data", () => {
  it("JSON: key paths become labels, each key as written, arrays of objects tables", async () => {
    const json = JSON.stringify({ invoice: { number: "A-1", total: 12.5 }, vendorName: "ACME", items: [{ sku: "X", qty: 2 }, { sku: "Y", qty: 1 }], tags: ["a", "b"] });
    expect(await cells(json, "a.json")).toEqual([["invoice number", "A-1"], ["invoice total", "12.5"], ["vendorName", "ACME"], ["items"], ["sku", "qty"], ["X", "2"], ["Y", "1"], ["tags", "a, b"]]);
  });

  it("JSON: keys that are data (ids, snake_case names) come out verbatim", async () => {
    const json = JSON.stringify({ "5b64c88c-b3c3-4d5e-9f6a-0a1b2c3d4e5f": { uuid_value: "x-1", "api.version": "2.0" } });
    expect(await cells(json, "ids.json")).toEqual([
      ["5b64c88c-b3c3-4d5e-9f6a-0a1b2c3d4e5f uuid_value", "x-1"],
      ["5b64c88c-b3c3-4d5e-9f6a-0a1b2c3d4e5f api.version", "2.0"],
    ]);
  });

  it("YAML and XML read like JSON", async () => {
    expect(await cells("order:\n  po_number: PO-1\n  date: 2024-05-06\n", "a.yaml")).toEqual([["order po_number", "PO-1"], ["order date", "2024-05-06"]]);
    const xml = '<?xml version="1.0"?><Invoice currency="EUR"><ID>7</ID><Line><Qty>1</Qty></Line><Line><Qty>2</Qty></Line></Invoice>';
    expect(await cells(xml, "a.xml")).toEqual([["currency", "EUR"], ["ID", "7"], ["Line"], ["Qty"], ["1"], ["2"]]);
  });

  it("answers 422 naming the file for invalid JSON", async () => {
    await expect(readLineDocuments(bytes("{oops"), "bad.json")).rejects.toMatchObject({ status: 422, message: "bad.json: the file is not valid JSON" });
  });
});

describe("e-mail", () => {
  it("reads headers and body, and attachments as documents of their own", async () => {
    const eml = [
      "From: Jane Doe <jane@shop.example>",
      "To: ap@buyer.example",
      "Subject: Invoice INV-9",
      "Date: Tue, 01 Apr 2025 10:00:00 +0000",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Please find the invoice attached. Total: 99.00 EUR",
      "--b",
      'Content-Type: text/csv; name="lines.csv"',
      'Content-Disposition: attachment; filename="lines.csv"',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("sku,qty\nA,1\n"),
      "--b--",
      "",
    ].join("\r\n");
    const documents = await readLineDocuments(bytes(eml), "mail.eml");
    expect(documents.map((doc) => doc.name)).toEqual(["mail.eml", "mail.eml/lines.csv"]);
    expect(documents[0]!.lines.map((line) => line.cells)).toEqual([
      // Each header is one `Label: value` line (a paragraph with a bold label in the model, for markdown).
      ["From: Jane Doe <jane@shop.example>"],
      ["To: <ap@buyer.example>"],
      ["Subject: Invoice INV-9"],
      ["Date: 2025-04-01T10:00:00.000Z"],
      ["Please find the invoice attached. Total: 99.00 EUR"],
    ]);
    expect(documents[1]!.lines.map((line) => line.cells)).toEqual([["sku", "qty"], ["A", "1"]]);
  });
});

describe("Office documents", () => {
  it("XLSX (written by SheetJS): every sheet is a table under its name, shared strings, numbers and booleans in their columns", async () => {
    const workbook = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([["SKU", null, "Qty"], ["A-1", null, 12], [null, "note", true]]), "Stock");
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([["Total", 12]]), "Summary");
    const xlsx = new Uint8Array(XLSX.write(workbook, { type: "array", bookType: "xlsx", bookSST: true }));
    expect(await tables(xlsx, "book.xlsx")).toEqual([[["SKU", "", "Qty"], ["A-1", "", "12"], ["", "note", "TRUE"]], [["Total", "12"]]]);
    expect((await cells(xlsx, "book.xlsx")).filter((line) => line.length === 1)).toEqual([["Stock"], ["Summary"]]);
  });

  it("XLSX (written by SheetJS): cells with a date format (built-in or custom) read as ISO dates, other numbers as formatted", async () => {
    const sheet = XLSX.utils.aoa_to_sheet([[45657, 45658.5, 45657, 45657, 1234.5]]);
    sheet.A1!.z = "m/d/yy";
    sheet.B1!.z = "dd.mm.yyyy hh:mm";
    sheet.C1!.z = '#,##0.00 "days"';
    sheet.E1!.z = "#,##0.00";
    const workbook = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(workbook, sheet, "Dates");
    const xlsx = new Uint8Array(XLSX.write(workbook, { type: "array", bookType: "xlsx" }));
    expect((await cells(xlsx, "book.xlsx")).slice(1)).toEqual([["2024-12-31", "2025-01-01T12:00:00", "45,657.00 days", "45657", "1,234.50"]]);
  });

  it("DOCX: tabs split cells, nested tables are read as cell text", async () => {
    const p = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;
    const cell = (content: string) => `<w:tc>${content}</w:tc>`;
    const xml =
      `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Total</w:t><w:tab/><w:t>12.00</w:t></w:r></w:p>` +
      `<w:tbl><w:tr>${cell(p("A"))}${cell(`<w:tbl><w:tr>${cell(p("x"))}${cell(p("y"))}</w:tr></w:tbl>`)}</w:tr></w:tbl></w:body></w:document>`;
    const docx = zipSync({ "word/document.xml": strToU8(xml) });
    expect(await cells(docx, "a.docx")).toEqual([["Total", "12.00"], ["A", "x y"]]);
  });

  it("answers 422 for an archive that is not readable", async () => {
    await expect(readLineDocuments(bytes("PK\u0003\u0004 broken"), "a.docx")).rejects.toMatchObject({ status: 422 });
  });
});

describe("PDF", () => {
  it("groups glyph runs into lines and cells by position, and counts pages", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    page.drawText("Invoice Number:", { x: 50, y: 800, size: 10, font });
    page.drawText("INV-7", { x: 140, y: 800, size: 10, font });
    // Runs closer than about a character are one cell (a word split by the PDF producer).
    page.drawText("Due", { x: 50, y: 780, size: 10, font });
    page.drawText("Date", { x: 50 + font.widthOfTextAtSize("Due ", 10), y: 780, size: 10, font });
    page.drawText("Item", { x: 50, y: 760, size: 10, font });
    page.drawText("Amount", { x: 300, y: 760, size: 10, font });
    page.drawText("Pen", { x: 50, y: 745, size: 10, font });
    page.drawText("1.50", { x: 310, y: 745, size: 10, font });
    pdf.addPage([595, 842]).drawText("Page two", { x: 50, y: 800, size: 10, font });
    const data = await pdf.save();
    const [document] = await readLineDocuments(data, "a.pdf");
    expect(document!.pages).toBe(2);
    expect(document!.needsOcr).toBe(false);
    expect(document!.lines.map((line) => line.cells)).toEqual([["Invoice Number:", "INV-7"], ["Due Date"], ["Item", "Amount"], ["Pen", "1.50"], ["Page two"]]);
    expect(document!.lines[2]!.table).toBeDefined();
    expect(document!.lines[2]!.table).toBe(document!.lines[3]!.table);
    expect(document!.lines[3]!.spans![1]![0]).toBeCloseTo(310, 0);
    expect(await countPdfPages(data, "a.pdf")).toBe(2);
  });

  it("answers 422 naming the file for a PDF that opens but breaks on its page (found by fuzzing file contents)", async () => {
    const pdf = await PDFDocument.create();
    pdf.setCreationDate(new Date(0));
    pdf.setModificationDate(new Date(0));
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage([300, 200]).drawText("Total: 12.50", { x: 20, y: 150, size: 10, font });
    const original = await pdf.save();
    // Eight bytes of the first object's dictionary repeated 1,343 times: PDF.js opens it, then fails on the page.
    const piece = original.slice(21, 29);
    const damaged = new Uint8Array(original.length + piece.length * 1343);
    damaged.set(original.subarray(0, 21));
    for (let i = 0; i < 1343; i++) damaged.set(piece, 21 + i * piece.length);
    damaged.set(original.subarray(21), 21 + piece.length * 1343);
    await expect(readLineDocuments(damaged, "broken.pdf")).rejects.toMatchObject({ status: 422, message: "broken.pdf: the file is not a readable PDF" });
  });
});
