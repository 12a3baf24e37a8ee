/**
 * The work budgets, each with the input that once crashed workerd or ran for minutes: a document of a million empty
 * list items (V8 at 1.4 GB), ten thousand PDF pages of line breaks (123 s), 5,000 PPTX slides (27 s), a blockquote
 * nested 49,000 deep (a 422 naming nothing); a Markdown sheet of 8 million line breaks and 2,000 formulas of 8,000
 * characters (crashes with the heap at 128 MiB); a chain of 30 blurs on a 2048² image (41 s). Each is refused with
 * a 4xx naming its field and charges nothing; what fits the budget still works.
 */
import { encode as encodePng } from "fast-png";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, expectRefused } from "../helpers/http";
import { base64Of, bytesOf, decodeAny } from "../helpers/images";
import { createReceiver } from "../helpers/webhook-receiver";

const DOCUMENT = "/document-generation/v1/generate";
const SHEET = "/sheet-generation/v1/generate";
const TRANSFORM = "/image-transformation/v1/transform";
const document = (content: unknown[]) => ({ metadata: { title: "Budget" }, content });
const UNITS = /layout units \(each block, list item, table cell and line break counts 1, a page break 20\); split it$/;

describe("document generation's layout budget", () => {
  it("refuses 200 lists of 5,000 empty items (a million) before parsing them, with a 400 that counts them", async () => {
    const lists = Array.from({ length: 200 }, () => ({ type: "list", items: Array.from({ length: 5000 }, () => ({ text: "" })) }));
    await expectRefused(DOCUMENT, { format: "docx", document: document(lists) }, /^Request body holds 1,000,404 JSON objects and arrays; at most 250,000 \(split the request\)$/);
  });

  it("refuses 3 lists of 4,000 empty items with a 400 naming the item where the layout budget ran out", async () => {
    const lists = Array.from({ length: 3 }, () => ({ type: "list", items: Array.from({ length: 4000 }, () => ({ text: "" })) }));
    await expectRefused(DOCUMENT, { format: "pdf", document: document(lists) }, new RegExp(`^document\\.content\\.2\\.items\\.1997: a PDF holds at most 10,000 ${UNITS.source}`));
  });

  it("refuses five paragraphs of 99,800 line breaks (ten thousand PDF pages)", async () => {
    const paragraphs = Array.from({ length: 5 }, () => ({ type: "paragraph", runs: [{ text: "\n".repeat(99_800) }] }));
    await expectRefused(DOCUMENT, { format: "pdf", document: document(paragraphs) }, new RegExp(`^document\\.content\\.0: a PDF holds at most 10,000 ${UNITS.source}`));
  });

  it("refuses 5,000 slides made by page breaks (each counts 20)", async () => {
    const breaks = Array.from({ length: 5_000 }, () => ({ type: "page-break" }));
    await expectRefused(DOCUMENT, { format: "pptx", document: document(breaks) }, /^document\.content\.500: a PPTX holds at most 10,000 layout units/);
  });

  it("refuses a markdown blockquote nested 49,000 deep with a 400 naming the paragraph's markdown", async () => {
    const markdown = `${"> ".repeat(49_000)}deep`;
    await expectRefused(DOCUMENT, { format: "pdf", document: document([{ type: "paragraph", markdown }]) }, /^document\.content\.0\.markdown: markdown blockquotes and lists nest at most 32 levels deep$/);
  });

  it("counts no nesting in a rule or a setext underline of dashes, and accepts lists nested 10 deep", async () => {
    const account = await createAccount(5);
    const nested = Array.from({ length: 10 }, (_, depth) => `${"  ".repeat(depth)}- level ${depth + 1}`).join("\n");
    const markdown = `A title set in Setext style\n${"-".repeat(60)}\n\n${"*".repeat(40)}\n\n${nested}`;
    const res = await callJson(DOCUMENT, { key: account.apiKey, body: { format: "docx", document: document([{ type: "paragraph", markdown }]) } });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    const { unzipSync, strFromU8 } = await import("fflate");
    const xml = strFromU8(unzipSync(bytesOf(res.body.data.buffer))["word/document.xml"]!);
    expect(xml).toContain("A title set in Setext style");
    expect(xml).toContain("level 10");
  });

  it("writes a DOCX of 4,800 list items, within its budget of 5,000, every item in it; 5,001 are refused", async () => {
    const account = await createAccount(5);
    const items = Array.from({ length: 2_400 }, (_, i) => ({ text: i % 2 ? "" : `item ${i}` }));
    const lists = [{ type: "list", items }, { type: "list", items }];
    const res = await callJson(DOCUMENT, { key: account.apiKey, body: { format: "docx", document: document(lists) } });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    const { unzipSync, strFromU8 } = await import("fflate");
    const xml = strFromU8(unzipSync(bytesOf(res.body.data.buffer))["word/document.xml"]!);
    expect(xml.match(/<w:numPr>/g)).toHaveLength(4_800);
    expect(xml).toContain("item 2398");
    const over = [{ type: "list", items: Array.from({ length: 4_999 }, () => ({ text: "" })) }, { type: "list", items: [{ text: "" }] }];
    await expectRefused(DOCUMENT, { format: "docx", document: document(over) }, new RegExp(`^document\\.content\\.1\\.items\\.0: a DOCX holds at most 5,000 ${UNITS.source}`));
  });

});

describe("sheet generation's budgets", () => {
  it("refuses a Markdown sheet of 250 cells of 32,767 line breaks (8 million) with a 400 naming the row", async () => {
    const cell = "\n".repeat(32_767);
    const body = { format: "markdown", sheets: [{ columns: [{ name: "a" }], rows: Array.from({ length: 250 }, () => [cell]) }] };
    await expectRefused(SHEET, body, /^sheets\.0\.rows\.32: the cells hold more than 4,194,304 characters of text together \(a line break counts 4\)$/);
  });

  it("refuses 2,000 formulas of 8,000 characters (16 million) by the text budget, with a 400 naming the row", async () => {
    const formula = `=1${"+1".repeat(3_999)}`;
    const body = { format: "xlsx", sheets: [{ columns: [{ name: "f" }], rows: Array.from({ length: 2_000 }, () => [formula]) }] };
    await expectRefused(SHEET, body, /^sheets\.0\.rows\.524: the cells hold more than 4,194,304 characters of text together/);
  });

  it("refuses 200 formulas of 4,000 additions (1.6 million terms) with a 400 naming the formula where they ran out", async () => {
    const formula = `=1${"+1".repeat(3_999)}`;
    const body = { format: "xlsx", sheets: [{ columns: [{ name: "f" }], rows: Array.from({ length: 200 }, () => [formula]) }] };
    await expectRefused(SHEET, body, /^sheets\.0\.rows\.62\.0\.value: the formulas hold more than 500,000 terms \(numbers, references, ranges, operators and calls\) together$/);
  });

  it("evaluates a chain of 4,000 additions and 8,000 percent signs in a loop, not by recursion", async () => {
    const account = await createAccount(5);
    const rows = [[`=1${"+1".repeat(3_999)}`], [`=5${"%".repeat(8_000)}`], [`=2^2^3`]];
    const res = await callJson(SHEET, { key: account.apiKey, body: { format: "csv", sheets: [{ columns: [{ name: "f" }], rows }] } });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    expect(new TextDecoder().decode(bytesOf(res.body.data.buffer))).toBe("f\r\n4000\r\n0\r\n64\r\n");
  });
});

describe("image transformation's work budget", () => {
  const side = 2048;
  const big = encodePng({ width: side, height: side, data: new Uint8Array(side * side * 4).fill(128), channels: 4 });
  const blurs = Array.from({ length: 30 }, () => ({ type: "blur", sigma: 8 }));

  it("refuses 30 blurs of sigma 8 on a 2048² PNG in the request with a 400 at accept, before decoding", async () => {
    await expectRefused(TRANSFORM, { file: { type: "base64", base64: base64Of(big) }, operations: blurs }, /^operations: the operations would take about [\d,]+ units of work on this 2048 × 2048 image \(at most 10,000, about 10 s\)/);
  });

  it("refuses the same chain on the image by URL with a 422 naming the operation once it is decoded, refunded", async () => {
    const origin = createReceiver(() => new Response(big, { headers: { "Content-Type": "image/png" } }));
    const account = await createAccount(5);
    const res = await callJson(TRANSFORM, { key: account.apiKey, body: { file: { type: "url", url: origin.url }, operations: blurs } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^operations\.\d+ \(blur\): the operations would take about [\d,]+ units of work on this 2048 × 2048 image/);
    expect(await balanceOf(account.accountId)).toBe(5);
  });

  it("runs the same 30 blurs on a 64 × 64 image, whose work is small", async () => {
    const small = encodePng({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(200), channels: 4 });
    const account = await createAccount(5);
    const res = await callJson(TRANSFORM, { key: account.apiKey, body: { file: { type: "base64", base64: base64Of(small) }, operations: blurs } });
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(200);
    const out = await decodeAny(bytesOf(res.body.data.buffer));
    expect([out.width, out.height]).toEqual([64, 64]);
    expect(Math.abs(out.data[0]! - 200)).toBeLessThan(3);
  });
});
