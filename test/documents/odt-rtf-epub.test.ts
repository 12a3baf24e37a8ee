/**
 * ODT, RTF and EPUB through the routes: document to markdown keeps their structure, document extraction reads
 * them through the same readers, the sniffer knows them by content, and their budgets hold.
 */
import { describe, expect, it } from "vitest";
import { convertDocument as convert } from "../helpers/documents";
import { callJson, createAccount } from "../helpers/http";
import { epubOf, odtOf, zipDeclaring } from "../helpers/files";
import { base64Of } from "../helpers/images";

async function extract(name: string, bytes: Uint8Array, fields: unknown[]) {
  const account = await createAccount(5);
  return callJson("/document-extraction/v1/extract", { key: account.apiKey, body: { files: [{ type: "base64", name, base64: base64Of(bytes) }], schema: { fields } } });
}

const ascii = (text: string) => new TextEncoder().encode(text);

const ODT_STYLES =
  `<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>` +
  `<style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>` +
  `<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_2"/>` +
  `<text:list-style style:name="L2"><text:list-level-style-number text:level="1"/></text:list-style>`;
const ODT_BODY =
  `<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>` +
  `<text:h text:outline-level="1">Annual report</text:h>` +
  `<text:p>The year was <text:span text:style-name="T1">good</text:span> and <text:span text:style-name="T2">busy</text:span>.<text:s/>See <text:a xlink:href="https://example.com/r">the site</text:a>.<office:annotation><text:p>reviewer note</text:p></office:annotation></text:p>` +
  `<text:p text:style-name="P1">Numbers</text:p>` +
  `<text:list text:style-name="L1"><text:list-item><text:p>Revenue up</text:p></text:list-item><text:list-item><text:p>Costs down</text:p><text:list><text:list-item><text:p>Energy</text:p></text:list-item></text:list></text:list-item></text:list>` +
  `<text:list text:style-name="L2"><text:list-item><text:p>First</text:p></text:list-item><text:list-item><text:p>Second</text:p></text:list-item></text:list>` +
  `<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>Item</text:p></table:table-cell><table:table-cell><text:p>Amount</text:p></table:table-cell></table:table-row></table:table-header-rows>` +
  `<table:table-row><table:table-cell><text:p>Pens</text:p></table:table-cell><table:table-cell><text:p>12.50</text:p></table:table-cell></table:table-row>` +
  `<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Total: 12.50 EUR</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>` +
  `<text:p>Footnoted<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>the note</text:p></text:note-body></text:note> text.</text:p>`;

const EXPECTED =
  "# Annual report\n\nThe year was **good** and *busy*. See [the site](https://example.com/r).\n\n## Numbers\n\n" +
  "- Revenue up\n- Costs down\n  - Energy\n\n1. First\n2. Second\n\n| Item | Amount |\n| --- | --- |\n| Pens | 12.50 |\n| Total: 12.50 EUR |  |";

describe("ODT", () => {
  it("converts headings (outline level and Heading styles), bold and italic spans, links, nested and numbered lists, tables with spans", async () => {
    const res = await convert("report.odt", odtOf(ODT_BODY, ODT_STYLES));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/vnd.oasis.opendocument.text");
    // The annotation and the footnote are markdown footnotes, their text after the body.
    expect(res.body.data.markdown).toBe(`${EXPECTED.replace("(https://example.com/r).", "(https://example.com/r).[^c1]")}\n\nFootnoted[^1] text.\n\n[^c1]: reviewer note\n\n[^1]: the note`);
    expect(res.spent).toBe(1);
  });

  it("is known by its mimetype entry whatever its name, and document extraction reads it", async () => {
    const res = await extract("upload.bin", odtOf(ODT_BODY, ODT_STYLES), [{ name: "total", type: "CURRENCY_AMOUNT", description: "Total" }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.total).toMatchObject({ value: 12.5, source: "upload.bin" });
  });

  it("refuses content.xml declaring 300 MB: 422 naming the part, refunded", async () => {
    const bomb = zipDeclaring({ "content.xml": "<office:document-content/>", mimetype: "application/vnd.oasis.opendocument.text" }, 300 * 1024 * 1024);
    const res = await convert("bomb.odt", bomb);
    expect(res.status).toBe(422);
    expect(res.body.error).toContain("bomb.odt: content.xml inflates past the decompression budget");
    expect(res.spent).toBe(0);
  });
});

const RTF =
  String.raw`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}{\colortbl;\red0\green0\blue0;}` +
  String.raw`{\stylesheet{\s0 Normal;}{\s1\b\fs32 heading 1;}{\s2 heading 2;}}{\info{\title Secret title}{\author Someone}}` +
  String.raw`{\*\generator Writer;}\pard\s1 Annual report\par` +
  String.raw`\pard The year was {\b good} and \i busy\i0 . See {\field{\*\fldinst{HYPERLINK "https://example.com/r"}}{\fldrslt{the site}}}.\par` +
  String.raw`\pard\s2 Numbers\par` +
  String.raw`\pard\ls1\ilvl0{\listtext\pard\plain \'95\tab}Revenue up\par` +
  String.raw`\pard\ls1\ilvl0{\listtext\pard\plain \'95\tab}Costs down\par` +
  String.raw`\pard\ls1\ilvl1{\listtext\pard\plain o\tab}Energy\par` +
  String.raw`\pard\ls2\ilvl0{\listtext 1.\tab}First\par\pard\ls2\ilvl0{\listtext 2.\tab}Second\par` +
  String.raw`\pard{\*\shppict{\pict\pngblip 89504e470d0a}}` +
  String.raw`\trowd\trhdr\cellx2000\cellx4000\pard\intbl Item\cell Amount\cell\row` +
  String.raw`\trowd\cellx2000\cellx4000\pard\intbl Pens\cell 12.50\cell\row` +
  String.raw`\pard Caf\'e9 d\u233?j\u224? vu \emdash  \ldblquote quotes\rdblquote .\par}`;

describe("RTF", () => {
  it("converts stylesheet headings, bold and italic, HYPERLINK fields, lists (bulleted, numbered, nested), tables, code-page and Unicode text", async () => {
    const res = await convert("report.rtf", ascii(RTF));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/rtf");
    expect(res.body.data.markdown).toBe(
      "# Annual report\n\nThe year was **good** and *busy*. See [the site](https://example.com/r).\n\n## Numbers\n\n" +
        "- Revenue up\n- Costs down\n  - Energy\n\n1. First\n2. Second\n\n| Item | Amount |\n| --- | --- |\n| Pens | 12.50 |\n\nCafé déjà vu — “quotes”.",
    );
    expect(res.body.data.markdown).not.toMatch(/Secret title|Writer|Times New Roman|89504e/);
  });

  it("is known by its signature whatever its name, and document extraction reads it", async () => {
    const res = await extract("notes.txt", ascii(RTF), [{ name: "amount", type: "DECIMAL", description: "Amount" }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.amount).toMatchObject({ value: 12.5 });
  });

  it("refuses groups nested 600 deep: 422 naming the file, refunded", async () => {
    const res = await convert("deep.rtf", ascii(`{\\rtf1 ${"{".repeat(600)}x${"}".repeat(600)}}`));
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("deep.rtf: the file nests deeper than 512 levels");
    expect(res.spent).toBe(0);
  });
});

describe("EPUB", () => {
  const chapters = {
    notes: "<h2>Notes</h2><p>End notes.</p>",
    ch2: "<h1>Chapter two</h1><p>Total: 12.50 EUR</p>",
    ch1: "<h1>Chapter one</h1><p>It <em>began</em>.</p><nav><a href='#'>toc</a></nav>",
  };

  it("converts the chapters in spine order (non-linear ones last), each read as HTML", async () => {
    const res = await convert("book.epub", epubOf(chapters, [{ id: "notes", linear: false }, "ch1", "ch2"]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/epub+zip");
    expect(res.body.data.markdown).toBe("# Chapter one\n\nIt *began*.\n\n# Chapter two\n\nTotal: 12.50 EUR\n\n## Notes\n\nEnd notes.");
    expect(res.spent).toBe(1);
  });

  it("document extraction reads a value from its second chapter", async () => {
    const res = await extract("book.epub", epubOf(chapters, ["ch1", "ch2"]), [{ name: "total", type: "CURRENCY_AMOUNT", description: "Total" }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.total).toMatchObject({ value: 12.5, source: "book.epub" });
  });

  it("refuses a book without a package document, and a chapter declaring 300 MB: 422s, refunded", async () => {
    const empty = await convert("empty.epub", zipDeclaring({ "META-INF/container.xml": "<container/>" }, "<container/>".length));
    expect(empty.status).toBe(422);
    expect(empty.body.error).toContain("empty.epub: the file is not a readable EPUB book");
    const book = epubOf({ ch1: "<p>x</p>" }, ["ch1"]);
    const res = await convert("big.epub", book);
    expect(res.status).toBe(200);
    const bomb = zipDeclaring(
      {
        "OEBPS/text/ch1.xhtml": "<p>x</p>",
        "META-INF/container.xml": `<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>`,
        "OEBPS/content.opf": `<package><manifest><item id="ch1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="ch1"/></spine></package>`,
      },
      300 * 1024 * 1024,
    );
    const refused = await convert("bomb.epub", bomb);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain("bomb.epub: OEBPS/text/ch1.xhtml inflates past the decompression budget");
    expect(refused.spent).toBe(0);
  });
});
