import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { ParsedDocument } from "../../../src/documents/lines";
import type { AiBinding } from "../../../src/extraction/ai";
import { buildJsonSchema, extractWithAi } from "../../../src/extraction/ai";
import { extractBuiltIn } from "../../../src/extraction/builtin";
import { finalizeExtraction } from "../../../src/extraction/finalize";
import { readLineDocuments } from "../../../src/documents/lines";
import { ExtractDocumentRequestSchema } from "../../../src/apis/document-extraction/schema";
import type { FieldConfig } from "../../../src/extraction/schema";
import { documentExtraction } from "../../../src/apis/document-extraction";
import { fileName } from "../../../src/inputs/file-name";
import { createUrlFetcher } from "../../../src/inputs/fetcher";
import { assetReader, createProcessDeps } from "../../../src/jobs/deps";

const TODAY = "2026-06-15";

function fields(list: Record<string, unknown>[]): FieldConfig[] {
  return ExtractDocumentRequestSchema.parse({ files: [{ type: "base64", base64: "AA==" }], schema: { fields: list } }).schema.fields;
}
async function docs(text: string, name = "doc.txt"): Promise<ParsedDocument[]> {
  return readLineDocuments(new TextEncoder().encode(text), name);
}
async function extract(text: string, list: Record<string, unknown>[], name = "doc.txt") {
  const schema = fields(list);
  return finalizeExtraction(schema, extractBuiltIn(await docs(text, name), schema, TODAY));
}

describe("built-in engine: layouts", () => {
  const number = [{ name: "invoice_number", type: "TEXT", description: "Invoice number" }];

  it.each([
    ["Label: value", "Invoice Number: A-1", 0.98],
    ["key/value cells", "Invoice Number      A-1", 0.98],
    ["label above value", "Invoice Number\nA-1", 0.93],
    ["label prefix", "Invoice Number A-1", 0.9],
  ])("%s", async (_layout, text, confidence) => {
    const data = await extract(text, number);
    expect(data.invoice_number).toMatchObject({ value: "A-1", confidence });
  });

  it("table header over its cell (columns of a text layout)", async () => {
    const data = await extract("Invoice No.     Date          Due\nA-17            2025-03-01    2025-03-31\n", [
      ...number,
      { name: "due_date", type: "DATE", description: "Due date" },
    ]);
    expect(data.invoice_number).toMatchObject({ value: "A-17", confidence: 0.96 });
    expect(data.due_date!.value).toBe("2025-03-31");
  });

  it("recognizes synonyms and other languages' labels", async () => {
    for (const label of ["Invoice no.", "Invoice #", "Rechnungsnummer", "Rechnungs-Nr.", "Numéro de facture", "Bill number"]) {
      const data = await extract(`${label}: X-9`, number);
      expect(data.invoice_number?.value, label).toBe("X-9");
    }
  });

  it("scores an exact label above a partial one, and a partial one above nothing", async () => {
    const exact = await extract("Total amount due: 10.00", [{ name: "total_amount_due", type: "DECIMAL", description: "x" }]);
    const partial = await extract("Total amount payable: 10.00", [{ name: "total_amount_payable_now", type: "DECIMAL", description: "x" }]);
    expect(exact.total_amount_due!.confidence).toBeGreaterThan(0.95);
    expect(partial.total_amount_payable_now!.confidence).toBeGreaterThan(0.6);
    expect(partial.total_amount_payable_now!.confidence).toBeLessThan(exact.total_amount_due!.confidence);
    const none = await extract("Shipping: 10.00", [{ name: "total", type: "DECIMAL", description: "x" }]);
    expect(none.total).toBeUndefined();
  });

  it("does not take a value of the wrong type under a matching label", async () => {
    const data = await extract("Date: to be confirmed\nInvoice Date: 2025-01-02", [{ name: "invoice_date", type: "DATE", description: "x" }]);
    expect(data.invoice_date).toMatchObject({ value: "2025-01-02", citations: ["Invoice Date: 2025-01-02"] });
  });

  it("falls back to the value's pattern with a low confidence when no label names it", async () => {
    const data = await extract("Please pay to DE89 3704 0044 0532 0130 00, questions to help@shop.example. Total 12,00 €", [
      { name: "bank_account", type: "IBAN", description: "Where to pay" },
      { name: "contact", type: "EMAIL", description: "Support contact" },
      { name: "currency", type: "CURRENCY_CODE", description: "Currency" },
    ]);
    expect(data.bank_account).toMatchObject({ value: "DE89370400440532013000", confidence: 0.45 });
    expect(data.contact).toMatchObject({ value: "help@shop.example", confidence: 0.45 });
    expect(data.currency).toMatchObject({ value: "EUR", confidence: 0.45 });
  });

  it("reads ARRAY items from the table whose headers name the item fields, skipping summary rows", async () => {
    const text = [
      "Pos  Article            Qty     Price",
      "1    Pen                  2      1,50 €",
      "2    Paper               10      4,00 €",
      "     Summe                      43,00 €",
    ].join("\n");
    const data = await extract(text, [
      { name: "items", type: "ARRAY", description: "Lines", fields: [
        { name: "description", type: "TEXT", description: "Item" },
        { name: "quantity", type: "INTEGER", description: "Qty" },
        { name: "unit_price", type: "CURRENCY_AMOUNT", description: "Price" },
      ] },
    ]);
    expect(data.items!.citations).toEqual(["Pos | Article | Qty | Price"]);
    expect((data.items!.value as any[]).map((item) => [item.description.value, item.quantity.value, item.unit_price.value])).toEqual([
      ["Pen", 2, 1.5],
      ["Paper", 10, 4],
    ]);
  });

  it("reads dot leaders, `#` signs and abbreviations with dots as label punctuation", async () => {
    const data = await extract("Carrier ........ DHL Express\nAWB ............ 4921 8830 12\nP.O. #\n4410-B\nInvoice #10234", [
      { name: "carrier", type: "TEXT", description: "x" },
      { name: "tracking_number", type: "TEXT", description: "x" },
      { name: "po_number", type: "TEXT", description: "x" },
      { name: "invoice_number", type: "TEXT", description: "x" },
    ]);
    expect([data.carrier?.value, data.tracking_number?.value, data.po_number?.value, data.invoice_number?.value]).toEqual(["DHL Express", "4921 8830 12", "4410-B", "10234"]);
  });

  it("does not take a line that names the field again as its value", async () => {
    const data = await extract("Purchase Order\nP.O. #\n4410-B", [{ name: "po_number", type: "TEXT", description: "x" }]);
    expect(data.po_number!.value).toBe("4410-B");
  });

  it("takes a document's only date for a plain date field, never for a due date", async () => {
    const data = await extract("Thank you for your order of 2025-03-04.", [
      { name: "date", type: "DATE", description: "x" },
      { name: "due_date", type: "DATE", description: "x" },
    ]);
    expect(data.date).toMatchObject({ value: "2025-03-04", confidence: 0.45 });
    expect(data.due_date).toBeUndefined();
  });

  it("takes the letterhead's company name as the vendor when no label names it", async () => {
    const data = await extract("INVOICE 77\nHansen Elektrotechnik GmbH · Am Stadtpark 9 · 50667 Köln\nBill to: Wolf Inc.", [
      { name: "vendor_name", type: "TEXT", description: "x" },
    ]);
    expect(data.vendor_name).toMatchObject({ value: "Hansen Elektrotechnik GmbH", confidence: 0.45 });
  });

  it("matches table headers that qualify a field's word, and skips short summary rows", async () => {
    const html =
      "<table><tr><th>Part #</th><th>Qty Ordered</th><th>Unit Cost</th></tr><tr><td>A-1</td><td>12</td><td>$3.50</td></tr>" +
      "<tr><td>Order total</td><td></td><td>$42.00</td></tr></table>";
    const data = await extract(html, [
      { name: "items", type: "ARRAY", description: "x", fields: [
        { name: "sku", type: "TEXT", description: "x" },
        { name: "quantity", type: "INTEGER", description: "x" },
        { name: "unit_price", type: "CURRENCY_AMOUNT", description: "x" },
      ] },
    ], "order.html");
    expect((data.items!.value as any[]).map((item) => [item.sku?.value, item.quantity?.value, item.unit_price?.value])).toEqual([["A-1", 12, 3.5]]);
  });

  it("reads item lines without a header row (a till receipt), with a leading quantity, and nothing from summary lines", async () => {
    const schema = [
      { name: "items", type: "ARRAY", description: "x", fields: [
        { name: "description", type: "TEXT", description: "x" },
        { name: "quantity", type: "INTEGER", description: "x" },
        { name: "amount", type: "CURRENCY_AMOUNT", description: "x" },
      ] },
    ];
    const receipt = await extract("CAFE\nBon 1234          12.04.2025\n\n2 x Cappuccino      7,00\nCroissant           2,40\n\nSUMME EUR           9,40\nMwSt 19%            1,50\n", schema);
    expect(receipt.items!.confidence).toBe(0.45);
    expect((receipt.items!.value as any[]).map((item) => [item.description?.value, item.quantity?.value, item.amount?.value])).toEqual([
      ["Cappuccino", 2, 7],
      ["Croissant", undefined, 2.4],
    ]);
    const totalsOnly = await extract("Subtotal        10,00\nTax              1,90\nTotal           11,90\n", schema);
    expect(totalsOnly.items).toBeUndefined();
  });

  it("reads side-by-side blocks (`From:` and `Bill To:` in two columns) down their own columns", async () => {
    const text = [
      "From:                                   Bill To:",
      "Nordwind Logistik GmbH                  Sonnenhof Hotel KG",
      "Hafenstraße 12                          Alpenweg 3",
      "20457 Hamburg                           6020 Innsbruck",
      "Germany                                 Austria",
      "",
      "Invoice Number: 2025-0815               Customer No.: K-2231",
    ].join("\n");
    const data = await extract(text, [
      { name: "vendor_name", type: "TEXT", description: "x" },
      { name: "vendor_address", type: "ADDRESS", description: "x" },
      { name: "customer_name", type: "TEXT", description: "x" },
      { name: "customer_address", type: "ADDRESS", description: "x" },
      { name: "invoice_number", type: "TEXT", description: "x" },
    ]);
    expect(data.vendor_name!.value).toBe("Nordwind Logistik GmbH");
    expect(data.customer_name!.value).toBe("Sonnenhof Hotel KG");
    expect(data.vendor_address!.value).toEqual({ street: "Hafenstraße 12", city: "Hamburg", region: null, postal_code: "20457", country: "DE" });
    expect(data.customer_address!.value).toEqual({ street: "Alpenweg 3", city: "Innsbruck", region: null, postal_code: "6020", country: "AT" });
    expect(data.invoice_number!.value).toBe("2025-0815");
  });

  it("reads an address object of JSON as an address", async () => {
    const json = JSON.stringify({ shippingAddress: { line1: "Bahnhofstrasse 21", city: "Zürich", postalCode: "8001", country: "CH" } });
    const data = await extract(json, [{ name: "shipping_address", type: "ADDRESS", description: "x" }], "order.json");
    expect(data.shipping_address!.value).toEqual({ street: "Bahnhofstrasse 21", city: "Zürich", region: null, postal_code: "8001", country: "CH" });
  });

  it("cites the source file of each value across several files", async () => {
    const schema = fields([
      { name: "invoice_number", type: "TEXT", description: "x" },
      { name: "tracking_number", type: "TEXT", description: "x" },
    ]);
    const documents = [...(await docs("Invoice Number: A-1", "invoice.txt")), ...(await docs("Tracking Number: 1Z999", "label.txt"))];
    const data = extractBuiltIn(documents, schema, TODAY);
    expect(data.invoice_number!.source).toBe("invoice.txt");
    expect(data.tracking_number!.source).toBe("label.txt");
  });
});

describe("CALCULATED, defaults and is_required", () => {
  const text = "Net: 100.00\nTax: 19.00\nDiscount: 0";
  const numbers = [
    { name: "net", type: "DECIMAL", description: "x" },
    { name: "tax", type: "DECIMAL", description: "x" },
    { name: "discount", type: "DECIMAL", description: "x" },
  ];

  it("computes sum, subtract, multiply and divide with the minimum confidence of the sources", async () => {
    const data = await extract(text, [
      ...numbers,
      { name: "gross", type: "CALCULATED", description: "x", operation: "sum", source_field_names: ["net", "tax"] },
      { name: "difference", type: "CALCULATED", description: "x", operation: "subtract", source_field_names: ["gross", "tax", "net"] },
      { name: "product", type: "CALCULATED", description: "x", operation: "multiply", source_field_names: ["net", "tax"] },
      { name: "rate", type: "CALCULATED", description: "x", operation: "divide", source_field_names: ["tax", "net"] },
      { name: "by_zero", type: "CALCULATED", description: "x", operation: "divide", source_field_names: ["net", "discount"] },
    ]);
    expect([data.gross!.value, data.difference!.value, data.product!.value, data.rate!.value, data.by_zero!.value]).toEqual([119, 0, 1900, 0.19, 0]);
    expect(data.gross!.confidence).toBe(Math.min(data.net!.confidence, data.tax!.confidence));
    expect(data.gross!.citations).toEqual(["Net: 100.00", "Tax: 19.00"]);
  });

  it("leaves a CALCULATED field out when a source is missing; 0.1 + 0.2 is 0.3", async () => {
    const data = await extract("A: 0.1\nB: 0.2", [
      { name: "a", type: "DECIMAL", description: "x" },
      { name: "b", type: "DECIMAL", description: "x" },
      { name: "c", type: "DECIMAL", description: "x" },
      { name: "ab", type: "CALCULATED", description: "x", operation: "sum", source_field_names: ["a", "b"] },
      { name: "abc", type: "CALCULATED", description: "x", operation: "sum", source_field_names: ["a", "b", "c"] },
    ]);
    expect(data.ab!.value).toBe(0.3);
    expect(data.abc).toBeUndefined();
  });

  it("applies defaults with confidence 1 and then enforces is_required", async () => {
    const data = await extract(text, [{ name: "currency", type: "CURRENCY_CODE", description: "x", default_value: "EUR", is_required: true }]);
    expect(data.currency).toEqual({ type: "CURRENCY_CODE", value: "EUR", confidence: 1, citations: [], source: "" });
    await expect(extract(text, [{ name: "iban", type: "IBAN", description: "x", is_required: true }])).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('required field "iban"'),
    });
  });
});

describe("Workers AI engine (fake binding)", () => {
  function fakeAi(answer: unknown): AiBinding & { calls: { model: string; inputs: Record<string, unknown> }[] } {
    const calls: { model: string; inputs: Record<string, unknown> }[] = [];
    return {
      calls,
      toMarkdown: vi.fn(async (files: { name: string; blob: Blob }[]) =>
        Promise.all(files.map(async (file) => ({ name: file.name, format: "markdown", data: `# ${file.name}\n\n${await file.blob.text()}` }))),
      ),
      run: vi.fn(async (model: string, inputs: Record<string, unknown>) => {
        calls.push({ model, inputs });
        return { response: answer };
      }),
    };
  }
  const schema = fields([
    { name: "invoice_date", type: "DATE", description: "Issue date" },
    { name: "total", type: "CURRENCY_AMOUNT", description: "Total" },
    { name: "paid", type: "BOOLEAN", description: "Paid" },
    { name: "method", type: "ENUM", description: "Method", values: ["card", "cash"] },
    { name: "country", type: "COUNTRY", description: "Country" },
    { name: "address", type: "ADDRESS", description: "Address" },
    { name: "iban", type: "IBAN", description: "IBAN" },
    { name: "items", type: "ARRAY", description: "Items", fields: [{ name: "sku", type: "TEXT", description: "SKU" }, { name: "qty", type: "INTEGER", description: "Qty" }] },
    { name: "double", type: "CALCULATED", description: "x", operation: "multiply", source_field_names: ["total", "total"] },
  ]);
  const file = { name: "scan.txt", bytes: new TextEncoder().encode("Rechnung vom 31.12.2024, Summe 1.234,50 €"), mimeType: "text/plain" };

  it("sends markdown and a JSON schema, then types the answer with the same parsers", async () => {
    const ai = fakeAi({
      invoice_date: { value: "31.12.2024", quote: "Rechnung vom 31.12.2024", file: "scan.txt" },
      total: { value: "1.234,50 €", quote: "Summe 1.234,50 €", file: "scan.txt" },
      paid: { value: true, quote: "not in the text", file: "scan.txt" },
      method: { value: ["Card"], quote: null, file: null },
      country: { value: "Germany", quote: null, file: null },
      address: { value: { street: "Hauptstr. 1", city: "Berlin", region: null, postal_code: "10115", country: "Deutschland" }, quote: null, file: null },
      iban: { value: "DE00 0000 0000 0000 0000 00", quote: null, file: null },
      items: { value: [{ sku: "A-1", qty: "2" }, { sku: "B-2", qty: 3.5 }], quote: null, file: null },
    });
    const data = finalizeExtraction(schema, await extractWithAi(ai, "@cf/test/model", [file], schema, TODAY));
    expect(ai.calls[0]!.model).toBe("@cf/test/model");
    const messages = ai.calls[0]!.inputs.messages as { role: string; content: string }[];
    expect(messages[1]!.content).toContain("## File: scan.txt");
    expect(messages[1]!.content).toContain("Summe 1.234,50 €");
    expect(ai.calls[0]!.inputs.response_format).toEqual({ type: "json_schema", json_schema: buildJsonSchema(schema) });
    expect(data.invoice_date).toEqual({ type: "DATE", value: "2024-12-31", confidence: 0.85, citations: ["Rechnung vom 31.12.2024"], source: "scan.txt" });
    expect(data.total).toMatchObject({ value: 1234.5, confidence: 0.85 });
    expect(data.paid).toMatchObject({ value: true, confidence: 0.55 });
    expect(data.method!.value).toEqual(["card"]);
    expect(data.country!.value).toBe("DE");
    expect(data.address!.value).toEqual({ street: "Hauptstr. 1", city: "Berlin", region: null, postal_code: "10115", country: "DE" });
    expect(data.iban).toBeUndefined(); // fails the mod-97 check: a model's invention is not passed on
    expect((data.items!.value as any[]).map((item) => [item.sku?.value, item.qty?.value])).toEqual([["A-1", 2], ["B-2", undefined]]);
    expect(data.double!.value).toBe(1234.5 * 1234.5);
  });

  it("answers 422 when the model's answer is not JSON, and names a file the binding could not convert", async () => {
    await expect(extractWithAi(fakeAi("not json {"), "m", [file], schema, TODAY)).rejects.toMatchObject({ status: 422 });
    const failing: AiBinding = { toMarkdown: async () => [{ name: "scan.txt", format: "error", error: "unsupported" }], run: async () => ({}) };
    await expect(extractWithAi(failing, "m", [file], schema, TODAY)).rejects.toMatchObject({ status: 422, message: "scan.txt: the file could not be converted: unsupported" });
  });

  it("is configured by the AI binding: the deps carry it and EXTRACTION_AI_MODEL only when it exists", () => {
    const ai = fakeAi({});
    const withAi = { ...env, AI: ai, EXTRACTION_AI_MODEL: "@cf/x/y" } as unknown as Env;
    expect(createProcessDeps(withAi, documentExtraction)).toMatchObject({ bindings: { AI: ai }, settings: { EXTRACTION_AI_MODEL: "@cf/x/y" } });
    const without = createProcessDeps({ ...env, AI: undefined } as unknown as Env, documentExtraction);
    expect(without.bindings.AI).toBeUndefined();
    // Without the binding the built-in engine runs: the model setting is there (its default) but nothing reads it.
    expect(without.settings.EXTRACTION_AI_MODEL).toBe(documentExtraction.settings.EXTRACTION_AI_MODEL!.default);
  });

  it("is the engine process() uses when the binding is configured, images included", async () => {
    const ai = fakeAi({ total: { value: "12.00", quote: "12.00", file: "photo.png" } });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let binary = "";
    png.forEach((byte) => (binary += String.fromCharCode(byte)));
    const input = ExtractDocumentRequestSchema.parse({
      files: [{ type: "base64", name: "photo.png", base64: btoa(binary) }],
      schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] },
    });
    const result = await documentExtraction.process(input, { fetcher: createUrlFetcher(new Set()), assets: assetReader(env.ASSETS), bindings: { AI: ai }, settings: { EXTRACTION_AI_MODEL: "m" } });
    expect(result).toEqual({ kind: "json", data: { total: { type: "DECIMAL", value: 12, confidence: 0.55, citations: ["12.00"], source: "photo.png" } } });
    expect(ai.toMarkdown).toHaveBeenCalledTimes(1);
    const sent = (ai.toMarkdown as any).mock.calls[0][0][0];
    expect(sent.blob.type).toBe("image/png");
  });
});

describe("file names", () => {
  it("are the given name, else the URL's last segment (decoded when it can be), else file-N", () => {
    expect(fileName({ type: "base64", base64: "AA==", name: "a.pdf" }, 0)).toBe("a.pdf");
    expect(fileName({ type: "base64", base64: "AA==" }, 2)).toBe("file-3");
    expect(fileName({ type: "url", url: "https://files.example.com/x/Invoice%20M%C3%A4rz.pdf?sig=1" }, 0)).toBe("Invoice März.pdf");
    expect(fileName({ type: "url", url: "https://files.example.com/x/broken%E0%A4%A.pdf" }, 0)).toBe("broken%E0%A4%A.pdf");
    expect(fileName({ type: "url", url: "https://files.example.com/" }, 0)).toBe("file-1");
  });
});

describe("robustness (property-based)", () => {
  const schema = fields([
    { name: "invoice_number", type: "TEXT", description: "x" },
    { name: "date", type: "DATE", description: "x" },
    { name: "time", type: "TIME", description: "x" },
    { name: "total", type: "CURRENCY_AMOUNT", description: "x" },
    { name: "iban", type: "IBAN", description: "x" },
    { name: "country", type: "COUNTRY", description: "x" },
    { name: "address", type: "ADDRESS", description: "x" },
    { name: "paid", type: "BOOLEAN", description: "x" },
    { name: "items", type: "ARRAY", description: "x", fields: [{ name: "description", type: "TEXT", description: "x" }, { name: "quantity", type: "INTEGER", description: "x" }] },
  ]);
  const pieces = fc.constantFrom("Invoice No:", "Total", "Date", ":", "  ", "\t", "\n", "|", "31.12.2024", "1.234,50 €", "DE89 3704 0044 0532 0130 00", "Qty", "Description", "-----", "...", "#", "Yes", "10115 Berlin", "(", ")", "<td>", "</tr>", "{", "\"a\":", "[", "]");
  const text = fc.array(fc.oneof(pieces, fc.string({ unit: "binary" })), { maxLength: 40 }).map((parts) => parts.join(""));

  it("reads any text in any format and extracts without throwing anything but a 422 naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom("a.txt", "a.md", "a.csv", "a.tsv", "a.html", "a.json", "a.yaml", "a.xml", "a.eml", "a.docx", "a.xlsx", "a.pdf", "upload"), async (content, name) => {
        try {
          const documents = await readLineDocuments(new TextEncoder().encode(content), name);
          const data = finalizeExtraction(schema, extractBuiltIn(documents, schema, TODAY));
          for (const result of Object.values(data)) {
            expect(result.confidence).toBeGreaterThanOrEqual(0);
            expect(result.confidence).toBeLessThanOrEqual(1);
          }
        } catch (err) {
          expect(err).toMatchObject({ status: 422 });
          expect((err as Error).message.startsWith(`${name}: `)).toBe(true);
        }
      }),
      { numRuns: 400, seed: 20261130 },
    );
  });
});
