/**
 * Extraction inputs past the reading and extraction budgets: refused with a 400 when known at accept, else a 422
 * naming the input, refunded; never minutes of CPU, and the service keeps answering.
 */
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, jobsOf } from "../../helpers/http";
import { docxDeclaring } from "../../helpers/files";
import { createReceiver } from "../../helpers/webhook-receiver";

const PATH = "/document-extraction/v1/extract";
const TOTAL = { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] };
const b64 = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

describe("extraction budgets", () => {
  it("refuses a base64 text file over 5 MiB at accept: 400 naming the file, nothing charged", async () => {
    const account = await createAccount(5);
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "big.txt", base64: b64("Total: 1.00\n".repeat(530_000)) }], schema: TOTAL } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("files.0: big.txt: text files may be at most 5.0 MiB; this one is 6.1 MiB");
    expect(await balanceOf(account.accountId)).toBe(5);
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it("refuses the same file fetched from a URL with a 422, refunded", async () => {
    const account = await createAccount(5);
    const source = createReceiver(() => new Response("Total: 1.00\n".repeat(530_000)));
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "url", url: source.url, name: "big.txt" }], schema: TOTAL } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("big.txt: text files may be at most 5.0 MiB; this one is 6.1 MiB");
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("stops a YAML file whose aliases expand past the reading budget: 422 naming the file, refunded", async () => {
    const account = await createAccount(5);
    // A table of 20,000 rows aliased 12 times: within the YAML library's alias limit, 240,000 cells once read.
    const yaml = `items: &items [${Array(20_000).fill("{sku: x}").join(", ")}]\ncopies: [${Array(12).fill("*items").join(", ")}]`;
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "bomb.yaml", base64: b64(yaml) }], schema: TOTAL } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("bomb.yaml: the document holds more than 200000 cells of text; split it");
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("refuses a schema that would weigh too many fields against the document: 422 naming schema.fields, refunded", async () => {
    const account = await createAccount(5);
    const csv = Array.from({ length: 3000 }, (_, i) => `item ${i},${i},${(i * 1.5).toFixed(2)},note ${i}`).join("\n");
    const items = Array.from({ length: 100 }, (_, i) => ({ name: `f${i}`, type: "TEXT", description: `Field ${i}` }));
    const fields = Array.from({ length: 100 }, (_, i) => ({ name: `list${i}`, type: "ARRAY", description: `List ${i}`, fields: items }));
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "rows.csv", base64: b64(csv) }], schema: { fields } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^schema\.fields: 10100 fields \(ARRAY item fields included\) over 12000 cells of text is more than one extraction weighs/);
    expect(await balanceOf(account.accountId)).toBe(5);
    // The service keeps answering.
    const after = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "ok.txt", base64: b64("Total: 2.50") }], schema: TOTAL } });
    expect(after.body.data.total.value).toBe(2.5);
  });
});

describe("the PDF stream budget", () => {
  async function pdfWithStreamOf(bytes: number, extra: Record<string, unknown> = {}): Promise<Uint8Array> {
    const { PDFDocument, PDFName } = await import("pdf-lib");
    const { zlibSync } = await import("fflate");
    const document = await PDFDocument.create();
    const page = document.addPage([200, 200]);
    const compressed = zlibSync(new Uint8Array(bytes).fill(0x20), { level: 9 });
    const stream = document.context.flateStream(compressed, {});
    // Already compressed: say so instead of compressing again.
    const raw = document.context.stream(compressed, { Filter: "FlateDecode", ...extra, Length: compressed.length });
    page.node.set(PDFName.of("Contents"), document.context.register(raw));
    void stream;
    return document.save({ useObjectStreams: false });
  }

  it("refuses, at accept, a small PDF whose content stream inflates to 80 MB: 400 naming the file, nothing charged", async () => {
    const account = await createAccount(5);
    const pdf = await pdfWithStreamOf(80 * 1024 * 1024);
    expect(pdf.length).toBeLessThan(1024 * 1024);
    let binary = "";
    pdf.forEach((byte) => (binary += String.fromCharCode(byte)));
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "bomb.pdf", base64: btoa(binary) }], schema: TOTAL } });
    expect(res.status, res.body.error).toBe(400);
    expect(res.body.error).toBe("files.0: bomb.pdf: the PDF's compressed streams inflate past 8 MiB");
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("counts a stream whose dictionary nests another one after its filter (/DecodeParms << … >>)", async () => {
    const account = await createAccount(5);
    const pdf = await pdfWithStreamOf(80 * 1024 * 1024, { DecodeParms: { Columns: 1 } });
    expect(new TextDecoder("latin1").decode(pdf)).toMatch(/\/Filter \/FlateDecode\s*\/DecodeParms <</);
    let binary = "";
    pdf.forEach((byte) => (binary += String.fromCharCode(byte)));
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "nested.pdf", base64: btoa(binary) }], schema: TOTAL } });
    expect(res.status, res.body.error).toBe(400);
    expect(res.body.error).toBe("files.0: nested.pdf: the PDF's compressed streams inflate past 8 MiB");
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("reads a PDF whose streams stay within it", async () => {
    const account = await createAccount(5);
    const pdf = await pdfWithStreamOf(1024 * 1024);
    let binary = "";
    pdf.forEach((byte) => (binary += String.fromCharCode(byte)));
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "ok.pdf", base64: btoa(binary) }], schema: TOTAL } });
    expect(res.status).not.toBe(400);
  });
});

const bytesB64 = (bytes: Uint8Array) => {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

describe("the abuse review's inputs, through the route", () => {
  it.each([
    ["a DOCX whose document.xml inflates to 300 MB", "bomb.docx", async () => bytesB64(docxDeclaring(300 * 1024 * 1024)), "bomb.docx: word/document.xml inflates past the decompression budget (8 MiB a part, 16 MiB in all)"],
    ["JSON nested 20,000 deep", "deep.json", async () => b64(`${"[".repeat(20_000)}1${"]".repeat(20_000)}`), "deep.json: the file nests deeper than 512 levels"],
    ["XML nested 5,000 deep", "deep.xml", async () => b64(`<?xml version="1.0"?>${"<a>".repeat(5_000)}x${"</a>".repeat(5_000)}`), "deep.xml: the file nests deeper than 512 levels"],
    ["HTML with 60,000 nested tables", "nested.html", async () => b64(`<html><body>${"<table><tr><td>".repeat(60_000)}x${"</td></tr></table>".repeat(60_000)}</body></html>`), "nested.html: the file nests deeper than 512 levels"],
    ["YAML of 99 aliases of a 5,000-row anchor", "aliases.yaml", async () => b64(`rows: &rows [${Array(5_000).fill("{sku: x}").join(", ")}]\ncopies: [${Array(99).fill("*rows").join(", ")}]`), "aliases.yaml: the document holds more than 200000 cells of text; split it"],
  ])("%s: 422 naming the file, refunded, and the service keeps answering", async (_name, name, content, message) => {
    const account = await createAccount(5);
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name, base64: await content() }], schema: TOTAL } });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error).toBe(message);
    expect(await balanceOf(account.accountId)).toBe(5);
    const after = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "ok.txt", base64: b64("Total: 2.50") }], schema: TOTAL } });
    expect(after.body.data.total.value).toBe(2.5);
  });

  it("refuses a 6 MB YAML at accept: 400, nothing charged", async () => {
    const account = await createAccount(5);
    const yaml = `rows: &rows [${Array(700_000).fill("{sku: x}").join(", ")}]\ncopies: [${Array(99).fill("*rows").join(", ")}]`;
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "big.yaml", base64: b64(yaml) }], schema: TOTAL } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^files\.0: big\.yaml: text files may be at most 5\.0 MiB; this one is 6\.\d MiB$/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("refuses a 44 MiB text file: as base64 a 413 (the body limit), from a URL a 422 (the file limit); nothing charged", async () => {
    const account = await createAccount(5);
    const text = "a".repeat(44 * 1024 * 1024);
    const sent = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name: "huge.txt", base64: btoa(text) }], schema: TOTAL } });
    expect(sent.status).toBe(413);
    expect(sent.body.error).toBe("Request body is larger than the limit of 16777216 bytes; send large files by URL (up to 20 MB) instead of as base64");
    const source = createReceiver(() => new Response(text));
    const fetched = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "url", url: source.url, name: "huge.txt" }], schema: TOTAL } });
    expect(fetched.status).toBe(422);
    expect(fetched.body.error).toBe(`files.0 (huge.txt): the file at ${source.url} is larger than 20 MB`);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("refuses a 19 MiB text file fetched from a URL by the text limit: 422, refunded", async () => {
    const account = await createAccount(5);
    const source = createReceiver(() => new Response(new Uint8Array(19 * 1024 * 1024).fill(0x61)));
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "url", url: source.url, name: "big.txt" }], schema: TOTAL } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("big.txt: text files may be at most 5.0 MiB; this one is 19.0 MiB");
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it.each([
    ["XML with 60,000 sibling elements", "items.xml", `<?xml version="1.0"?><items>${"<item><sku>A</sku><qty>1</qty></item>".repeat(60_000)}</items><total>12.50</total>`],
    ["Markdown of '*a ' 66,667 times", "marks.md", `${"*a ".repeat(66_667)}\n\nTotal: 12.50`],
  ])("reads %s in linear time and finds the total", async (_name, name, content) => {
    const account = await createAccount(5);
    const res = await callJson(PATH, { key: account.apiKey, body: { files: [{ type: "base64", name, base64: b64(content) }], schema: TOTAL } });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.total.value).toBe(12.5);
  });
});
