/**
 * Inputs that used to take a reader quadratic time (found by the abuse review: 95 s, 55 s and 32 s for one
 * request) now read in one pass and give the right structure.
 */
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readLineDocuments } from "../../src/documents/lines";
import { docxDeclaring } from "../helpers/files";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("readers stay linear", () => {
  it("read XML with 60,000 sibling elements as one table of 60,000 rows", async () => {
    const xml = `<?xml version="1.0"?><items>${"<item><sku>A</sku><qty>1</qty></item>".repeat(60_000)}</items>`;
    const [document] = await readLineDocuments(bytes(xml), "items.xml");
    expect(document!.lines.filter((line) => line.table !== undefined)).toHaveLength(60_001);
  });

  it("read HTML with 150 nested layout tables, the innermost one as a table", async () => {
    const html = `<html><body>${"<table><tr><td>".repeat(150)}<table><tr><td>Total</td><td>12.50</td></tr></table>${"</td></tr></table>".repeat(150)}</body></html>`;
    const [document] = await readLineDocuments(bytes(html), "nested.html");
    expect(document!.lines).toEqual([{ cells: ["Total", "12.50"], table: 1 }]);
  });

  it.each([
    ["5 MB of unclosed Markdown link brackets", "[".repeat(5_000_000), "brackets.md", "[[["],
    ["2 MB of unclosed Org links", "[[".repeat(1_000_000), "links.org", "[[[["],
    ["80,000 Org property drawers never closed", ":PROPERTIES:\n".repeat(80_000), "drawers.org", ""],
    ["400,000 Typst calls never closed", "#f(\n".repeat(400_000), "calls.typ", ""],
    ["120,000 unclosed LaTeX groups", "\\textbf{".repeat(120_000) + "x", "groups.tex", "x"],
    ["50,000 unclosed BibTeX entries", "@book{a, title = {".repeat(50_000), "entries.bib", "type book"],
  ])("read %s", async (_name, text, name, kept) => {
    const [document] = await readLineDocuments(bytes(text), name);
    const all = document!.lines.map((line) => line.cells.join(" ")).join(" ");
    // Settings and code are no text: an unclosed drawer or call leaves nothing to read.
    if (kept) expect(all).toContain(kept);
    else expect(document!.lines).toEqual([]);
  });

  it("read Markdown with 66,667 unclosed emphasis marks on one line", async () => {
    const [document] = await readLineDocuments(bytes("*a ".repeat(66_667)), "marks.md");
    expect(document!.lines.map((line) => line.cells.join(" ")).join(" ")).toContain("*a *a");
  });
});

describe("the nesting budget", () => {
  it.each([
    ["JSON nested 20,000 deep", `${"[".repeat(20_000)}1${"]".repeat(20_000)}`, "deep.json"],
    ["XML nested 5,000 deep", `<?xml version="1.0"?>${"<a>".repeat(5_000)}x${"</a>".repeat(5_000)}`, "deep.xml"],
    ["HTML with 60,000 nested tables", `<html><body>${"<table><tr><td>".repeat(60_000)}x${"</td></tr></table>".repeat(60_000)}</body></html>`, "nested.html"],
    ["YAML nested 600 deep", Array.from({ length: 600 }, (_, i) => `${"  ".repeat(i)}k:`).join("\n") + " 1", "deep.yaml"],
    ["DOCX nested 2,000 deep", null, "deep.docx"],
  ])("refuses %s with a 422 naming the file", async (_name, content, name) => {
    const data =
      content === null
        ? zipSync({ "word/document.xml": strToU8(`<w:document xmlns:w="w"><w:body>${"<w:tbl><w:tr><w:tc>".repeat(700)}<w:p/>${"</w:tc></w:tr></w:tbl>".repeat(700)}</w:body></w:document>`) })
        : bytes(content);
    await expect(readLineDocuments(data, name)).rejects.toMatchObject({ status: 422, message: `${name}: the file nests deeper than 512 levels` });
  });

  it("reads content nested within the budget", async () => {
    const [document] = await readLineDocuments(bytes(`${'{"a":'.repeat(100)}"deep value"${"}".repeat(100)}`), "ok.json");
    expect(document!.lines.at(-1)!.cells.at(-1)).toBe("deep value");
  });
});

describe("the decompression budget", () => {
  it("refuses a DOCX whose document.xml inflates to 300 MB before inflating it: 422 naming the file and part", async () => {
    await expect(readLineDocuments(docxDeclaring(300 * 1024 * 1024), "bomb.docx")).rejects.toMatchObject({
      status: 422,
      message: "bomb.docx: word/document.xml inflates past the decompression budget (8 MiB a part, 16 MiB in all)",
    });
  });

  it("reads one within the budget", async () => {
    const [document] = await readLineDocuments(docxDeclaring(1024 * 1024), "ok.docx");
    expect(document!.lines[0]!.cells).toEqual(["Total: 1.00"]);
  });
});
