import { env } from "cloudflare:workers";
import { zipSync, strToU8 } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, ledgerOf } from "../../helpers/http";
import { waitForJob } from "../../helpers/jobs";
import { createReceiver } from "../../helpers/webhook-receiver";

const PATH = "/document-extraction/v1/extract";

const b64 = (text: string | Uint8Array) => {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  let binary = "";
  bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
  return btoa(binary);
};

const INVOICE_TEXT = [
  "ACME Supplies GmbH",
  "Invoice No.: INV-2024-0042",
  "Invoice Date: 31.12.2024",
  "Due Date: January 30, 2025",
  "Email: billing@acme.example",
  "",
  "Bill To:",
  "Globex Corporation",
  "742 Evergreen Terrace",
  "Springfield, IL 62704",
  "",
  "Description        Qty    Unit Price    Amount",
  "Widget A             2      $10.00      $20.00",
  "Widget B             1      $5.50        $5.50",
  "",
  "Subtotal: $25.50",
  "Tax: $2.04",
  "Total due: $27.54",
  "IBAN: DE89 3704 0044 0532 0130 00",
  "Paid: No",
].join("\n");

const INVOICE_FIELDS = [
  { name: "invoice_number", type: "TEXT", description: "The invoice number" },
  { name: "invoice_date", type: "DATE", description: "Issue date" },
  { name: "due_date", type: "DATE", description: "Payment due date" },
  { name: "vendor_email", type: "EMAIL", description: "Vendor e-mail" },
  { name: "customer_address", type: "ADDRESS", description: "Billing address" },
  { name: "subtotal", type: "CURRENCY_AMOUNT", description: "Net amount" },
  { name: "tax_amount", type: "CURRENCY_AMOUNT", description: "Tax" },
  { name: "total", type: "CURRENCY_AMOUNT", description: "Total due" },
  { name: "currency", type: "CURRENCY_CODE", description: "Currency" },
  { name: "iban", type: "IBAN", description: "Bank account" },
  { name: "is_paid", type: "BOOLEAN", description: "Whether it was paid" },
  { name: "check_total", type: "CALCULATED", description: "Subtotal plus tax", operation: "sum", source_field_names: ["subtotal", "tax_amount"] },
  { name: "payment_terms", type: "TEXT", description: "Payment terms", default_value: "net 30" },
  { name: "po_number", type: "TEXT", description: "Purchase order number" },
  {
    name: "line_items", type: "ARRAY", description: "Lines",
    fields: [
      { name: "description", type: "TEXT", description: "Item" },
      { name: "quantity", type: "INTEGER", description: "Qty" },
      { name: "unit_price", type: "CURRENCY_AMOUNT", description: "Unit price" },
      { name: "amount", type: "CURRENCY_AMOUNT", description: "Line amount" },
      { name: "line_check", type: "CALCULATED", description: "qty × price", operation: "multiply", source_field_names: ["quantity", "unit_price"] },
    ],
  },
];

function invoiceRequest(extra: Record<string, unknown> = {}) {
  return { files: [{ type: "base64", name: "invoice.txt", base64: b64(INVOICE_TEXT) }], schema: { fields: INVOICE_FIELDS }, ...extra };
}

async function pdfWithPages(pages: string[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 16, size: 11, font }));
  }
  return pdf.save();
}

describe("POST /document-extraction/v1/extract (sync)", () => {
  it("answers every field typed and normalized, with confidence, citations and source, and charges 1 credit", async () => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { body: invoiceRequest(), key: account.apiKey });
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(Object.keys(data)).toEqual([
      "invoice_number", "invoice_date", "due_date", "vendor_email", "customer_address", "subtotal", "tax_amount", "total",
      "currency", "iban", "is_paid", "check_total", "payment_terms", "line_items",
    ]);
    expect(data.invoice_number).toEqual({ type: "TEXT", value: "INV-2024-0042", confidence: 0.98, citations: ["Invoice No.: INV-2024-0042"], source: "invoice.txt" });
    expect(data.invoice_date.value).toBe("2024-12-31");
    expect(data.due_date.value).toBe("2025-01-30");
    expect(data.vendor_email.value).toBe("billing@acme.example");
    expect(data.customer_address.value).toEqual({ street: "742 Evergreen Terrace", city: "Springfield", region: "IL", postal_code: "62704", country: "US" });
    expect(data.subtotal.value).toBe(25.5);
    expect(data.tax_amount.value).toBe(2.04);
    expect(data.total.value).toBe(27.54);
    expect(data.currency).toMatchObject({ type: "CURRENCY_CODE", value: "USD", confidence: 0.45 });
    expect(data.iban.value).toBe("DE89370400440532013000");
    expect(data.is_paid.value).toBe(false);
    expect(data.check_total).toMatchObject({ type: "CALCULATED", value: 27.54, confidence: Math.min(data.subtotal.confidence, data.tax_amount.confidence) });
    expect(data.payment_terms).toEqual({ type: "TEXT", value: "net 30", confidence: 1, citations: [], source: "" });
    expect(data.po_number).toBeUndefined();
    expect(data.line_items.type).toBe("ARRAY");
    const items = data.line_items.value.map((item: Record<string, { value: unknown }>) =>
      Object.fromEntries(Object.entries(item).map(([key, result]) => [key, result.value])),
    );
    expect(items).toEqual([
      { description: "Widget A", quantity: 2, unit_price: 10, amount: 20, line_check: 20 },
      { description: "Widget B", quantity: 1, unit_price: 5.5, amount: 5.5, line_check: 5.5 },
    ]);
    for (const result of Object.values(data) as { confidence: number }[]) {
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
    }
    expect(await balanceOf(account.accountId)).toBe(9);
  });

  it("charges one credit per PDF page (read at accept time) plus one per other file", async () => {
    const account = await createAccount(10);
    const pdf = await pdfWithPages([["Invoice Number: A-1"], ["Total: 10.00 EUR"], ["Terms apply."]]);
    const res = await callJson(PATH, {
      body: {
        files: [
          { type: "base64", name: "invoice.pdf", base64: b64(pdf) },
          { type: "base64", name: "note.md", base64: b64("**Reference:** R-77") },
        ],
        schema: { fields: [
          { name: "invoice_number", type: "TEXT", description: "Invoice number" },
          { name: "total", type: "CURRENCY_AMOUNT", description: "Total" },
          { name: "reference", type: "TEXT", description: "Reference" },
        ] },
      },
      key: account.apiKey,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.invoice_number).toMatchObject({ value: "A-1", source: "invoice.pdf" });
    expect(res.body.data.total).toMatchObject({ value: 10, source: "invoice.pdf" });
    expect(res.body.data.reference).toMatchObject({ value: "R-77", source: "note.md" });
    expect(await balanceOf(account.accountId)).toBe(6);
    const ledger = await ledgerOf(account.accountId);
    expect(ledger.filter((row) => row.reason === "debit").map((row) => row.amount)).toEqual([-4]);
  });

  it("reads DOCX paragraphs and tables", async () => {
    const xml =
      `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
      `<w:p><w:r><w:t>Order Number: PO-9</w:t></w:r></w:p>` +
      `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>SKU</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Quantity</w:t></w:r></w:p></w:tc></w:tr>` +
      `<w:tr><w:tc><w:p><w:r><w:t>A-1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr>` +
      `<w:tr><w:tc><w:p><w:r><w:t>B-2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
      `</w:body></w:document>`;
    const docx = zipSync({ "word/document.xml": strToU8(xml), "[Content_Types].xml": strToU8("<Types/>") });
    const account = await createAccount(5);
    const res = await callJson(PATH, {
      body: {
        files: [{ type: "base64", name: "order.docx", base64: b64(docx) }],
        schema: { fields: [
          { name: "po_number", type: "TEXT", description: "PO number" },
          { name: "items", type: "ARRAY", description: "Items", fields: [
            { name: "sku", type: "TEXT", description: "SKU" },
            { name: "quantity", type: "INTEGER", description: "Quantity" },
          ] },
        ] },
      },
      key: account.apiKey,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.po_number.value).toBe("PO-9");
    expect(res.body.data.items.value.map((item: any) => [item.sku.value, item.quantity.value])).toEqual([["A-1", 3], ["B-2", 12]]);
  });

  it("answers 422 naming the required field that was not found, and refunds", async () => {
    const account = await createAccount(5);
    const res = await callJson(PATH, {
      body: invoiceRequest({ schema: { fields: [{ name: "contract_number", type: "TEXT", description: "Contract number", is_required: true }] } }),
      key: account.apiKey,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toContain('required field "contract_number"');
    expect(await balanceOf(account.accountId)).toBe(5);
    expect((await ledgerOf(account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit", "refund"]);
  });

  it("answers 422 naming an image file (it needs OCR and there is no AI binding), and refunds", async () => {
    const account = await createAccount(5);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const res = await callJson(PATH, {
      body: { files: [{ type: "base64", name: "scan.png", base64: b64(png) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
      key: account.apiKey,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^scan\.png: .*needs OCR/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("answers 422 naming a scanned PDF without a text layer", async () => {
    const account = await createAccount(5);
    const res = await callJson(PATH, {
      body: { files: [{ type: "base64", name: "scan.pdf", base64: b64(await pdfWithPages([[]])) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
      key: account.apiKey,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^scan\.pdf: .*no text layer/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });
});

describe("POST /document-extraction/v1/extract with URL files", () => {
  it("fetches an https file at processing time and names it after the URL's last segment", async () => {
    const account = await createAccount(5);
    const server = createReceiver(() => new Response("Invoice Number: U-1\nTotal: 9.99 EUR", { headers: { "Content-Type": "text/plain" } }));
    const res = await callJson(PATH, {
      body: { files: [{ type: "url", url: server.url }], schema: { fields: [
        { name: "invoice_number", type: "TEXT", description: "x" },
        { name: "total", type: "CURRENCY_AMOUNT", description: "x" },
      ] } },
      key: account.apiKey,
    });
    expect(res.status).toBe(200);
    expect(server.deliveries).toHaveLength(1);
    expect(server.deliveries[0]!.request.method).toBe("GET");
    const name = server.url.split("/").at(-1);
    expect(res.body.data.invoice_number).toMatchObject({ value: "U-1", source: name });
    expect(res.body.data.total.value).toBe(9.99);
    expect(await balanceOf(account.accountId)).toBe(4);
  });

  it("answers 422 naming the file when the URL cannot be fetched, and refunds", async () => {
    const account = await createAccount(5);
    const server = createReceiver(() => new Response("gone", { status: 404 }));
    const res = await callJson(PATH, {
      body: { files: [{ type: "url", url: server.url, name: "remote.pdf" }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "x" }] } },
      key: account.apiKey,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe(`files.0 (remote.pdf): fetching ${server.url} answered HTTP 404`);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("refuses URLs of private hosts before fetching", async () => {
    const account = await createAccount(5);
    const res = await callJson(PATH, {
      body: { files: [{ type: "url", url: "https://127.0.0.1/a.txt" }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "x" }] } },
      key: account.apiKey,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^files\.0 \(a\.txt\): the file URL cannot be fetched/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });
});

describe("POST /document-extraction/v1/extract: bad requests are 400s that name the field and charge nothing", () => {
  const field = (extra: Record<string, unknown>) => ({ name: "f", type: "TEXT", description: "d", ...extra });
  const cases: [string, Record<string, unknown>, string][] = [
    ["no files", { files: [], schema: { fields: [field({})] } }, "files: at least one file is required"],
    ["21 files", { files: Array.from({ length: 21 }, () => ({ type: "base64", name: "a.txt", base64: "YQ==" })), schema: { fields: [field({})] } }, "files: at most 20 files"],
    ["bad base64", { files: [{ type: "base64", name: "a.txt", base64: "***" }], schema: { fields: [field({})] } }, "files.0.base64"],
    ["http URL", { files: [{ type: "url", url: "http://example.com/a.pdf" }], schema: { fields: [field({})] } }, "files.0.url: https is required"],
    ["no schema", { schema: undefined }, "schema: "],
    ["no fields", { files: [{ type: "base64", name: "a.txt", base64: "YQ==" }], schema: { fields: [] } }, "schema.fields: at least one field is required"],
    ["unknown type", { schema: { fields: [field({ type: "PHONE" })] } }, "schema.fields.0.type"],
    ["duplicate names", { schema: { fields: [field({}), field({})] } }, 'schema.fields.1.name: duplicate field name "f"'],
    ["ENUM without values", { schema: { fields: [field({ type: "ENUM" })] } }, "schema.fields.0.values"],
    ["ENUM default not a value", { schema: { fields: [field({ type: "ENUM", values: ["a"], default_value: ["b"] })] } }, 'schema.fields.0.default_value: field "f": default value "b" is not one of the values'],
    ["INTEGER default not an integer", { schema: { fields: [field({ type: "INTEGER", default_value: 1.5 })] } }, "schema.fields.0.default_value"],
    ["DATE default not a date", { schema: { fields: [field({ type: "DATE", default_value: "31.12.2024" })] } }, "schema.fields.0.default_value"],
    ["COUNTRY default not a code", { schema: { fields: [field({ type: "COUNTRY", default_value: "Germany" })] } }, "schema.fields.0.default_value: must be an ISO 3166-1 alpha-2 country code"],
    ["CURRENCY_CODE default not a code", { schema: { fields: [field({ type: "CURRENCY_CODE", default_value: "EURO" })] } }, "schema.fields.0.default_value: must be an ISO 4217 currency code"],
    ["IBAN default with a bad checksum", { schema: { fields: [field({ type: "IBAN", default_value: "DE89370400440532013001" })] } }, "schema.fields.0.default_value: is not a valid IBAN"],
    ["EMAIL default not an email", { schema: { fields: [field({ type: "EMAIL", default_value: "nobody" })] } }, "schema.fields.0.default_value: must be an email address"],
    ["min above max", { schema: { fields: [field({ type: "DECIMAL", min: 5, max: 1 })] } }, 'schema.fields.0.min: field "f": min must not be greater than max'],
    ["TEXT max_length 0", { schema: { fields: [field({ max_length: 0 })] } }, "schema.fields.0.max_length"],
    ["ARRAY without fields", { schema: { fields: [field({ type: "ARRAY" })] } }, "schema.fields.0.fields"],
    ["nested duplicate", { schema: { fields: [field({ type: "ARRAY", fields: [field({}), field({})] })] } }, 'schema.fields.0.fields.1.name: duplicate field name "f"'],
    ["CALCULATED source missing", { schema: { fields: [field({ type: "CALCULATED", operation: "sum", source_field_names: ["nope"] })] } }, 'schema.fields.0.source_field_names.0: field "f": source field "nope" does not exist'],
    ["CALCULATED source not numeric", { schema: { fields: [field({ name: "t" }), field({ type: "CALCULATED", operation: "sum", source_field_names: ["t"] })] } }, 'source field "t" is TEXT; sources must be INTEGER, DECIMAL, CURRENCY_AMOUNT or CALCULATED'],
    ["CALCULATED bad operation", { schema: { fields: [field({ type: "CALCULATED", operation: "modulo", source_field_names: ["x"] })] } }, "schema.fields.0.operation"],
    [
      "CALCULATED cycle",
      { schema: { fields: [
        { name: "a", type: "CALCULATED", description: "a", operation: "sum", source_field_names: ["b"] },
        { name: "b", type: "CALCULATED", description: "b", operation: "sum", source_field_names: ["a"] },
      ] } },
      'schema.fields.0.source_field_names: CALCULATED field "a" is part of a cycle: a → b → a',
    ],
    ["ADDRESS allowed code invalid", { schema: { fields: [field({ type: "ADDRESS", allowed_country_codes: ["XX"] })] } }, "schema.fields.0.allowed_country_codes.0"],
    ["a broken PDF", { files: [{ type: "base64", name: "broken.pdf", base64: b64("%PDF-1.7 this is not really a pdf") }] }, "files.0: broken.pdf: the file is not a readable PDF"],
    ["an unsupported format", { files: [{ type: "base64", name: "old.pages", base64: "YQ==" }] }, "files.0: old.pages: .pages files are not supported"],
  ];

  for (const [title, override, message] of cases) {
    it(title, async () => {
      const account = await createAccount(5);
      const body = { files: [{ type: "base64", name: "a.txt", base64: "YQ==" }], schema: { fields: [field({})] }, ...override };
      const res = await callJson(PATH, { body, key: account.apiKey });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.error).toContain(message);
      expect(await balanceOf(account.accountId)).toBe(5);
      const { count } = (await env.DB.prepare("SELECT COUNT(*) AS count FROM jobs WHERE account_id = ?1").bind(account.accountId).first<{ count: number }>())!;
      expect(count).toBe(0);
    });
  }

  it("accepts the legacy item_schema.fields spelling and lowercase type names", async () => {
    const account = await createAccount(5);
    const res = await callJson(PATH, {
      body: invoiceRequest({ schema: { fields: [{ name: "line_items", type: "array", description: "Lines", item_schema: { fields: [{ name: "description", type: "text", description: "Item" }, { name: "amount", type: "CURRENCY_AMOUNT", description: "Amount" }] } }] } }),
      key: account.apiKey,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.line_items.value).toHaveLength(2);
  });
});

describe("POST /document-extraction/v1/extract (async)", () => {
  it("accepts with 201, charges per page and delivers the extraction by webhook", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const res = await callJson(PATH, { body: invoiceRequest({ webhook_url: receiver.url }), key: account.apiKey });
    expect(res.status).toBe(201);
    expect(await balanceOf(account.accountId)).toBe(9);
    const job = await waitForJob(res.body.job_id, (j) => j.deliveryStatus === "delivered");
    expect(job).toMatchObject({ status: "succeeded", api: "document_extraction", cost: 1 });
    const payload = JSON.parse(receiver.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: true, api: "document_extraction", job_id: res.body.job_id });
    expect(payload.data.invoice_number.value).toBe("INV-2024-0042");
    expect(payload.data.total).toMatchObject({ type: "CURRENCY_AMOUNT", value: 27.54, source: "invoice.txt" });
  });

  it("delivers the error payload and refunds when a required field is missing", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const res = await callJson(PATH, {
      body: invoiceRequest({ webhook_url: receiver.url, schema: { fields: [{ name: "vat_id", type: "TEXT", description: "VAT id", is_required: true }] } }),
      key: account.apiKey,
    });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (j) => j.deliveryStatus === "delivered");
    const payload = JSON.parse(receiver.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: false, api: "document_extraction", error: { message: expect.stringContaining('required field "vat_id"') } });
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("data files with their keys as written", () => {
  it("finds fields under camelCase and snake_case keys, which stay verbatim in the document", async () => {
    const account = await createAccount(5);
    const json = JSON.stringify({ vendorName: "ACME Tools GmbH", invoice_number: "A-7731", totals: { grandTotal: 1234.5 } });
    const res = await callJson(PATH, {
      key: account.apiKey,
      body: {
        files: [{ type: "base64", name: "invoice.json", base64: b64(json) }],
        schema: {
          fields: [
            { name: "vendor_name", type: "TEXT", description: "Vendor name" },
            { name: "invoice_number", type: "TEXT", description: "Invoice number" },
            { name: "grand_total", type: "DECIMAL", description: "Grand total" },
          ],
        },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect([res.body.data.vendor_name.value, res.body.data.invoice_number.value, res.body.data.grand_total.value]).toEqual(["ACME Tools GmbH", "A-7731", 1234.5]);
  });
});
