/**
 * Property-based, on file contents rather than request bodies: real documents (a DOCX, an XLSX, a PDF, JSON, XML,
 * HTML, an e-mail) with their bytes mutated — flipped, cut, repeated, their zip entries and PDF streams damaged,
 * their nesting deepened — sent to document extraction. Never a 5xx; a refusal has a message and the credits come
 * back (a 400 charges nothing, a 422 is refunded). Bounded: fixed seed, a hundred runs.
 */
import fc from "fast-check";
import { strToU8, zipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { balanceOf, call, createAccount } from "./helpers/http";

const b64 = (bytes: Uint8Array) => {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

async function seeds(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const pdf = await PDFDocument.create();
  // Fixed dates: the same seed must give the same bytes on every run.
  pdf.setCreationDate(new Date(0));
  pdf.setModificationDate(new Date(0));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([300, 200]).drawText("Invoice No: A-1  Total: 12.50 EUR", { x: 20, y: 150, size: 10, font });
  const docx = zipSync({
    "word/document.xml": strToU8('<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Total</w:t><w:tab/><w:t>12.50</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Pen</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>'),
  });
  const xlsx = zipSync({
    "xl/workbook.xml": strToU8("<workbook/>"),
    "xl/worksheets/sheet1.xml": strToU8('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Total</t></is></c><c r="B1"><v>12.5</v></c></row></sheetData></worksheet>'),
  });
  const text = (value: string) => strToU8(value);
  return [
    { name: "a.pdf", bytes: await pdf.save() },
    { name: "a.docx", bytes: docx },
    { name: "a.xlsx", bytes: xlsx },
    { name: "a.json", bytes: text('{"invoice": {"number": "A-1", "total": 12.5, "items": [{"sku": "P", "qty": 2}]}}') },
    { name: "a.xml", bytes: text('<?xml version="1.0"?><invoice><number>A-1</number><total>12.50</total></invoice>') },
    { name: "a.html", bytes: text("<html><body><h1>Invoice</h1><table><tr><th>Total</th><td>12.50</td></tr></table></body></html>") },
    { name: "a.eml", bytes: text("From: a@b.example\r\nSubject: Invoice\r\n\r\nTotal: 12.50\r\n") },
    { name: "a.yaml", bytes: text("invoice:\n  number: A-1\n  total: 12.50\n") },
  ];
}

type Mutation =
  | { kind: "flip"; at: number; value: number }
  | { kind: "cut"; at: number }
  | { kind: "repeat"; at: number; length: number; times: number }
  | { kind: "nest"; depth: number }
  | { kind: "name" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 2000 }) }),
  fc.record({ kind: fc.constant("nest" as const), depth: fc.integer({ min: 10, max: 5000 }) }),
  fc.record({ kind: fc.constant("name" as const) }),
);

function mutate(file: { name: string; bytes: Uint8Array }, m: Mutation): { name: string; bytes: Uint8Array } {
  const { bytes } = file;
  switch (m.kind) {
    case "flip": {
      const copy = bytes.slice();
      copy[m.at % copy.length] = m.value;
      return { ...file, bytes: copy };
    }
    case "cut":
      return { ...file, bytes: bytes.slice(0, m.at % bytes.length) };
    case "repeat": {
      const start = m.at % bytes.length;
      const piece = bytes.slice(start, start + m.length);
      const repeated = new Uint8Array(piece.length * m.times);
      for (let i = 0; i < m.times; i++) repeated.set(piece, i * piece.length);
      const out = new Uint8Array(start + repeated.length + (bytes.length - start));
      out.set(bytes.subarray(0, start));
      out.set(repeated, start);
      out.set(bytes.subarray(start), start + repeated.length);
      return { ...file, bytes: out };
    }
    case "nest": {
      const open = file.name.endsWith(".json") ? "[" : file.name.endsWith(".yaml") ? "- " : "<a>";
      const close = file.name.endsWith(".json") ? "]" : file.name.endsWith(".yaml") ? "" : "</a>";
      return { ...file, bytes: strToU8(open.repeat(m.depth) + new TextDecoder().decode(bytes) + close.repeat(m.depth)) };
    }
    case "name":
      // The bytes of one format under the name of another.
      return { name: file.name.replace(/\.[a-z]+$/, ".txt"), bytes };
  }
}

describe("fuzzing file contents through POST /document-extraction/v1/extract", () => {
  it("never answers 5xx; every refusal has a message; the credits come back", async () => {
    const files = await seeds();
    const account = await createAccount(1_000_000);
    await fc.assert(
      fc.asyncProperty(fc.nat(files.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, mutations) => {
        const file = mutations.reduce(mutate, files[pick]!);
        const before = await balanceOf(account.accountId);
        const res = await call("/document-extraction/v1/extract", {
          key: account.apiKey,
          body: { files: [{ type: "base64", name: file.name, base64: b64(file.bytes.length > 0 ? file.bytes : strToU8(" ")) }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
        });
        const json = (await res.json()) as { success: boolean; error?: string };
        expect(res.status, json.error).toBeLessThan(500);
        if (res.status >= 400) {
          expect(json.success).toBe(false);
          expect(json.error!.length).toBeGreaterThan(0);
          expect(await balanceOf(account.accountId)).toBe(before);
        }
      }),
      { numRuns: 100, seed: 20261201, endOnFailure: true },
    );
  }, 120_000);
});
