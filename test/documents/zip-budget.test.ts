/**
 * Zip archives that lie about their entries' sizes, and books too big to read whole. An entry that declares 1,000
 * bytes and inflates to 32 MiB was inflated whole (fflate sizes its buffer from the declaration but decodes the
 * stream) and answered 200 with its content cut, charged: now the bytes that come out are counted and the lie is a
 * 422 naming the file and the part, refunded, for each format read from a zip. EPUB chapters have the text-file
 * budget, and a chapter of 150,000 paragraphs (once a RangeError from spreading them into a call) reads.
 */
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { convertDocument as convert } from "../helpers/documents";
import { epubOf, zipDeclaring } from "../helpers/files";

/** 32 MiB of XML-ish text behind `head`: deflates to about 32 KB. */
const huge = (head: string) => head + " ".repeat(32 * 1024 * 1024);

const LYING: [string, string, Record<string, string>][] = [
  ["lie.docx", "word/document.xml", { "word/document.xml": huge("<w:document xmlns:w='w'><w:body>") }],
  ["lie.pptx", "ppt/slides/slide1.xml", { "ppt/slides/slide1.xml": huge("<p:sld xmlns:p='p'>"), "ppt/presentation.xml": "<p:presentation/>" }],
  ["lie.odt", "content.xml", { "content.xml": huge("<office:document-content>") }],
  [
    "lie.epub",
    "META-INF/container.xml",
    { "META-INF/container.xml": huge("<container><rootfiles><rootfile full-path='content.opf'/></rootfiles>"), "content.opf": "<package/>" },
  ],
];

describe("zip entries that lie about their size", () => {
  for (const [name, part, entries] of LYING) {
    it(`refuse ${name} whose ${part} declares 1,000 bytes and inflates to 32 MiB: 422 naming it, refunded`, async () => {
      const res = await convert(name, zipDeclaring(entries, 1000));
      expect(res.status).toBe(422);
      expect(res.body.error).toBe(`${name}: ${part} inflates past the 1,000 bytes its zip entry declares; the archive is damaged or forged`);
      expect(res.spent).toBe(0);
    });
  }

  it("still read an honest archive whose entries fflate wrote", async () => {
    const docx = zipSync({ "word/document.xml": strToU8("<w:document xmlns:w='w'><w:body><w:p><w:r><w:t>Honest text</w:t></w:r></w:p></w:body></w:document>") });
    const res = await convert("honest.docx", docx);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.markdown).toBe("Honest text");
  });
});

describe("EPUB chapters", () => {
  it("refuse a book of two 8 MiB chapters with a 422 naming the first, refunded (each chapter has the 5 MiB text budget)", async () => {
    const chapter = `<html><body>${"<p>Chapter text that goes on.</p>".repeat(8 * 1024 * 1024 / 32)}</body></html>`;
    const res = await convert("long.epub", epubOf({ ch1: chapter, ch2: chapter }, ["ch1", "ch2"]));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/^long\.epub: OEBPS\/text\/ch[12]\.xhtml inflates past the decompression budget \(5 MiB a part, 16 MiB in all\)$/);
    expect(res.spent).toBe(0);
  });

  it("read a chapter of 150,000 paragraphs, in spine order", async () => {
    const paragraphs = Array.from({ length: 150_000 }, (_, i) => `<p>P${i}</p>`).join("");
    const res = await convert("many.epub", epubOf({ ch1: `<html><body>${paragraphs}</body></html>`, ch2: "<html><body><p>The end</p></body></html>" }, ["ch2", "ch1"]), 10);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const markdown: string = res.body.data.markdown;
    expect(markdown.startsWith("The end\n\nP0\n\nP1\n\n")).toBe(true);
    expect(markdown.endsWith("P149999")).toBe(true);
  });
});
