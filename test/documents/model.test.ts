/**
 * The structured document model the readers produce, and the views derived from it: headings with their level,
 * runs, nested lists, tables with header rows and spans, images, pages; the markdown view; the line view.
 */
import * as XLSX from "@e965/xlsx";
import { strToU8, zipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { toLineDocument } from "../../src/documents/lines";
import { toMarkdown } from "../../src/documents/markdown";
import type { DocumentModel } from "../../src/documents/model";
import { readDocuments } from "../../src/documents/readers";

const read = async (content: string | Uint8Array, name: string): Promise<DocumentModel> =>
  (await readDocuments(typeof content === "string" ? new TextEncoder().encode(content) : content, name))[0]!;

const HTML = `<!doctype html><html><head><title>t</title><style>p{}</style></head><body>
<h1>Quarterly <em>report</em></h1>
<p>Revenue grew <strong>12%</strong> — see <a href="https://example.com/q3">the details</a>.</p>
<h2>Highlights</h2>
<ul><li>New office<ul><li>Berlin</li><li>Lyon</li></ul></li><li>Hiring</li></ul>
<ol><li>First</li><li>Second</li></ol>
<img src="https://example.com/chart.png" alt="Revenue chart">
<table><thead><tr><th>Region</th><th colspan="2">Sales</th></tr></thead>
<tbody><tr><td rowspan="2">EU</td><td>Q1</td><td>10</td></tr><tr><td>Q2</td><td>12</td></tr></tbody></table>
</body></html>`;

describe("HTML into the model", () => {
  it("keeps headings with their level, runs, nested lists, images and table structure", async () => {
    const document = await read(HTML, "report.html");
    const blocks = document.pages[0]!.blocks;
    expect(document.pages).toHaveLength(1);
    expect(blocks.map((block) => block.type)).toEqual(["heading", "paragraph", "heading", "list", "list", "image", "table"]);
    expect(blocks[0]).toEqual({ type: "heading", level: 1, runs: [{ text: "Quarterly " }, { text: "report", italic: true }] });
    expect(blocks[1]).toMatchObject({ type: "paragraph", runs: [{ text: "Revenue grew " }, { text: "12%", bold: true }, { text: " — see " }, { text: "the details", link: "https://example.com/q3" }, { text: "." }] });
    expect(blocks[2]).toMatchObject({ type: "heading", level: 2 });
    const list = blocks[3] as Extract<DocumentModel["pages"][0]["blocks"][0], { type: "list" }>;
    expect(list.ordered).toBe(false);
    expect(list.items).toHaveLength(2);
    expect(list.items[0]!.blocks[1]).toMatchObject({ type: "list", items: [{ blocks: [{ runs: [{ text: "Berlin" }] }] }, { blocks: [{ runs: [{ text: "Lyon" }] }] }] });
    expect(blocks[4]).toMatchObject({ type: "list", ordered: true });
    expect(blocks[5]).toEqual({ type: "image", alt: "Revenue chart", src: "https://example.com/chart.png" });
    expect(blocks[6]).toEqual({
      type: "table",
      rows: [
        { header: true, cells: [{ text: "Region" }, { text: "Sales", colSpan: 2 }] },
        { cells: [{ text: "EU", rowSpan: 2 }, { text: "Q1" }, { text: "10" }] },
        { cells: [{ text: "Q2" }, { text: "12" }] },
      ],
    });
  });

  it("reads as markdown: headings, emphasis, links, nested lists, the image and a pipe table with spans", async () => {
    expect(toMarkdown(await read(HTML, "report.html"))).toBe(
      [
        "# Quarterly *report*",
        "Revenue grew **12%** — see [the details](https://example.com/q3).",
        "## Highlights",
        "- New office\n  - Berlin\n  - Lyon\n- Hiring",
        "1. First\n2. Second",
        "![Revenue chart](https://example.com/chart.png)",
        "| Region | Sales |  |\n| --- | --- | --- |\n| EU | Q1 | 10 |\n|  | Q2 | 12 |",
      ].join("\n\n"),
    );
  });

  it("reads as lines for extraction: one line a block of text, table rows as cells", async () => {
    expect(toLineDocument(await read(HTML, "report.html")).lines.map((line) => line.cells)).toEqual([
      ["Quarterly report"],
      ["Revenue grew 12% — see the details."],
      ["Highlights"],
      ["New office"],
      ["Berlin"],
      ["Lyon"],
      ["Hiring"],
      ["First"],
      ["Second"],
      ["Region", "Sales"],
      ["EU", "Q1", "10"],
      ["Q2", "12"],
    ]);
  });
});

describe("markdown tables", () => {
  it("leave the cells a row span covers empty, in the last column too, and escape cell text like running text", () => {
    const document: DocumentModel = {
      name: "t",
      needsOcr: false,
      pages: [
        {
          blocks: [
            {
              type: "table",
              rows: [
                { header: true, cells: [{ text: "Item" }, { text: "Note" }] },
                { cells: [{ text: "Pen" }, { text: "spans two rows", rowSpan: 2 }] },
                { cells: [{ text: "Ink" }] },
                { cells: [{ text: "a*b|c" }, { text: "last" }] },
              ],
            },
          ],
        },
      ],
    };
    expect(toMarkdown(document)).toBe("| Item | Note |\n| --- | --- |\n| Pen | spans two rows |\n| Ink |  |\n| a\\*b\\|c | last |");
  });
});

describe("DOCX into the model", () => {
  const run = (text: string, props = "") => `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ""}<w:t xml:space="preserve">${text}</w:t></w:r>`;
  const para = (content: string, pPr = "") => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ""}${content}</w:p>`;
  const cell = (text: string, tcPr = "") => `<w:tc>${tcPr ? `<w:tcPr>${tcPr}</w:tcPr>` : ""}${para(run(text))}</w:tc>`;
  const xml =
    `<w:document xmlns:w="w"><w:body>` +
    para(run("Contract"), '<w:pStyle w:val="Title"/>') +
    para(run("Scope"), '<w:pStyle w:val="Heading2"/>') +
    para(run("The supplier ") + run("shall", "<w:b/>") + run(" deliver ") + run("on time", "<w:i/>") + run(".")) +
    para(run("Hardware"), '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>') +
    para(run("Laptops"), '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>') +
    `<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr>${cell("Item")}${cell("Price", '<w:gridSpan w:val="2"/>')}</w:tr>` +
    `<w:tr>${cell("Laptop")}${cell("900")}${cell("EUR")}</w:tr></w:tbl>` +
    `</w:body></w:document>`;
  const docx = zipSync({ "word/document.xml": strToU8(xml) });

  it("keeps heading styles as levels, bold and italic runs, numbered paragraphs as nested lists, header rows and column spans", async () => {
    const blocks = (await read(docx, "contract.docx")).pages[0]!.blocks;
    expect(blocks.map((block) => block.type)).toEqual(["heading", "heading", "paragraph", "list", "table"]);
    expect(blocks[0]).toMatchObject({ level: 1, runs: [{ text: "Contract" }] });
    expect(blocks[1]).toMatchObject({ level: 2 });
    expect(blocks[2]).toMatchObject({ runs: [{ text: "The supplier " }, { text: "shall", bold: true }, { text: " deliver " }, { text: "on time", italic: true }, { text: "." }] });
    expect(toMarkdown({ name: "x", needsOcr: false, pages: [{ blocks: blocks.slice(3) }] })).toBe(
      "- Hardware\n  - Laptops\n\n| Item | Price |  |\n| --- | --- | --- |\n| Laptop | 900 | EUR |",
    );
    expect(blocks[4]).toMatchObject({ rows: [{ header: true, cells: [{ text: "Item" }, { text: "Price", colSpan: 2 }] }, { cells: [{ text: "Laptop" }, { text: "900" }, { text: "EUR" }] }] });
  });
});

describe("pages, laid-out text and data files", () => {
  it("gives a PDF one page per page, and turns aligned columns into a detected table", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const first = pdf.addPage([400, 300]);
    first.drawText("Page one", { x: 40, y: 250, size: 12, font });
    for (const [row, y] of [[["Item", "Qty"], 200], [["Pen", "2"], 185], [["Ink", "5"], 170]] as const) {
      first.drawText(row[0], { x: 40, y, size: 12, font });
      first.drawText(row[1], { x: 240, y, size: 12, font });
    }
    pdf.addPage([400, 300]).drawText("Page two", { x: 40, y: 250, size: 12, font });
    const document = await read(await pdf.save(), "two.pdf");
    expect(document.pages).toHaveLength(2);
    const table = document.pages[0]!.blocks.find((block) => block.type === "table");
    expect(table).toMatchObject({ detected: true, rows: [{ cells: [{ text: "Item" }, { text: "Qty" }] }, { cells: [{ text: "Pen" }, { text: "2" }] }, { cells: [{ text: "Ink" }, { text: "5" }] }] });
    expect(toMarkdown(document)).toBe("Page one\n\n| Item | Qty |\n| --- | --- |\n| Pen | 2 |\n| Ink | 5 |\n\n---\n\nPage two");
    expect(toLineDocument(document).pages).toBe(2);
  });

  it("marks the first row of CSV, XLSX and arrays of JSON objects as the header", async () => {
    const csv = await read("Name,Qty\nPen,2\n", "a.csv");
    expect(csv.pages[0]!.blocks[0]).toMatchObject({ type: "table", rows: [{ header: true }, { cells: [{ text: "Pen" }, { text: "2" }] }] });
    const json = await read('{"items": [{"sku": "A", "qty": 1}]}', "a.json");
    expect(json.pages[0]!.blocks).toContainEqual(expect.objectContaining({ type: "table", rows: [expect.objectContaining({ header: true }), expect.anything()] }));
    const workbook = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([["Name"], [5]]), "People");
    const xlsx = new Uint8Array(XLSX.write(workbook, { type: "array", bookType: "xlsx" }));
    const blocks = (await read(xlsx, "b.xlsx")).pages[0]!.blocks;
    expect(blocks[0]).toMatchObject({ type: "heading", level: 2 });
    expect(blocks[1]).toMatchObject({ rows: [{ header: true, cells: [{ text: "Name" }] }, { cells: [{ text: "5" }] }] });
  });

  it("keeps an e-mail's headers as key/value lines before its body's blocks", async () => {
    const eml = "From: Ann <ann@example.com>\nTo: bob@example.com\nSubject: Hello\nContent-Type: text/html\n\n<h1>Hi</h1><p>Body</p>";
    const document = await read(eml, "m.eml");
    expect(document.pages[0]!.blocks.map((block) => block.type)).toEqual(["paragraph", "paragraph", "paragraph", "heading", "paragraph"]);
    expect(toMarkdown(document)).toContain("# Hi");
  });
});
