/**
 * Document generation through the route, every output read back: the PDF's pages, sizes, text positions, page
 * numbers, table of contents, title and embedded fonts (PDF.js); the DOCX's, PPTX's and EPUB's XML from the zip
 * (Word structures, slides, the EPUB package); QR codes decoded from the pictures. Bad input is a 400 naming the
 * path, an image that cannot be read a refunded 422, and async delivers the file by webhook.
 */
import { env } from "cloudflare:workers";
import { strFromU8, unzipSync } from "fflate";
import { decode as decodePng } from "fast-png";
import jsQR from "jsqr";
import { getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, expectRefused } from "../helpers/http";
import { base64Of, bytesOf, pngOf } from "../helpers/images";
import { waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

const PATH = "/document-generation/v1/generate";

async function generate(format: string, document: Record<string, unknown>, credits = 10) {
  const account = await createAccount(credits);
  const res = await callJson(PATH, { key: account.apiKey, body: { format, document } });
  const bytes = res.status === 200 ? bytesOf(res.body.data.buffer) : new Uint8Array();
  return { ...res, bytes, account, spent: credits - (await balanceOf(account.accountId)) };
}

interface PdfPage {
  width: number;
  height: number;
  items: { text: string; x: number; y: number }[];
  text: string;
}

async function readPdf(bytes: Uint8Array) {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const pages: PdfPage[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const [, , width, height] = page.view as number[];
    const content = await page.getTextContent();
    const items = content.items.filter((item) => "str" in item && item.str.trim()).map((item) => {
      const { str, transform } = item as { str: string; transform: number[] };
      return { text: str, x: transform[4]!, y: transform[5]! };
    });
    pages.push({ width: width!, height: height!, items, text: items.map((item) => item.text).join(" ") });
  }
  const { info } = (await pdf.getMetadata()) as unknown as { info: Record<string, string> };
  await pdf.loadingTask.destroy();
  return { pages, info };
}

const zipText = (bytes: Uint8Array, path: string) => strFromU8(unzipSync(bytes)[path]!);

function qrValue(png: Uint8Array): string | undefined {
  if (png[0] !== 0x89 || png[1] !== 0x50) return undefined;
  const image = decodePng(png);
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  const channels = image.channels;
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = image.data[i * channels + (channels >= 3 ? c : 0)]!;
    rgba[i * 4 + 3] = 255;
  }
  return jsQR(rgba, image.width, image.height)?.data;
}

const words = (count: number, seed: number) => Array.from({ length: count }, (_, i) => ["survey", "ridge", "bridge", "path", "river", "report"][(i + seed) % 6]).join(" ");

/** A report: a TOC, sections with text, a spanned table, lists, an image, a QR code, a grid; header and footer. */
function report(extra: Record<string, unknown> = {}) {
  return {
    metadata: { title: "Field report", author: "Survey team", language: "en" },
    page: { size: { preset: "Letter" }, margins: { top_in_pt: 72, right_in_pt: 54, bottom_in_pt: 72, left_in_pt: 54 } },
    header: [{ type: "paragraph", runs: [{ text: "Acme survey" }], text_alignment: "right" }],
    footer: [{ type: "page-number", text_alignment: "center" }],
    content: [
      { type: "table-of-contents", levels: ["h1", "h2"], leader: "dots" },
      { type: "page-break" },
      { type: "headline", level: "h1", text: "Findings" },
      { type: "paragraph", runs: [{ text: "The river was " }, { text: "high", font_weight: "bold" }, { text: " and " }, { text: "cold", is_italic: true }, { text: ". See " }, { text: "the map", link_url: "https://example.com/map" }, { text: "." }] },
      { type: "paragraph", markdown: "Notes with **bold** text.\n\n- first\n  - nested\n- second" },
      {
        type: "table",
        header: { cells: [{ text: "Site" }, { text: "Depth" }, { text: "Note" }] },
        rows: [
          { cells: [{ text: "North", row_span: 2 }, { text: "1.2 m" }, { text: "clear" }] },
          { cells: [{ text: "1.4 m" }, { text: "muddy" }] },
          { cells: [{ text: "Total depth 2.6 m", column_span: 3, styles: { background_color: "#FFEEAA", font_weight: "bold" } }] },
        ],
        column_widths_in_percent: [40, 30, 30],
      },
      { type: "list", variant: "ordered", items: [{ text: "Repair", children: [{ text: "the bridge" }] }, { text: "Reopen" }] },
      { type: "image", file: { type: "base64", base64: base64Of(pngOf(40, 20, (x) => (x < 20 ? [255, 0, 0, 255] : [0, 0, 255, 255]))) }, width_in_pt: 120, height_in_pt: 60 },
      { type: "qr-code", value: "https://lamina.example/report", width_in_pt: 96, height_in_pt: 96 },
      { type: "separator" },
      { type: "grid", columns: [{ column_span: 6, blocks: [{ type: "paragraph", runs: [{ text: "Left column" }] }] }, { column_span: 6, blocks: [{ type: "paragraph", runs: [{ text: "Right column" }] }] }] },
      { type: "page-break" },
      { type: "headline", level: "h2", text: "Appendix" },
      ...Array.from({ length: 60 }, (_, i) => ({ type: "paragraph", runs: [{ text: `Paragraph ${i + 1}: ${words(40, i)}.` }] })),
      { type: "headline", level: "h2", text: "Closing" },
      { type: "paragraph", runs: [{ text: "The end." }] },
    ],
    ...extra,
  };
}

describe("document generation: PDF", () => {
  it("lays out the page size, margins, flowing pages, page breaks, header and footer page numbers, the TOC with pages, the title", async () => {
    const res = await generate("pdf", report());
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/pdf");
    expect(res.spent).toBe(2);
    const { pages, info } = await readPdf(res.bytes);
    expect(info.Title).toBe("Field report");
    expect(info.Author).toBe("Survey team");
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const page of pages) {
      expect([page.width, page.height]).toEqual([612, 792]);
      // Body text between the side margins (54 pt each).
      for (const item of page.items) expect(item.x).toBeGreaterThanOrEqual(53.5);
    }
    pages.forEach((page, index) => {
      expect(page.items.some((item) => item.text === "Acme survey" && item.y > 792 - 72)).toBe(true);
      expect(page.items.some((item) => item.text === String(index + 1) && item.y < 72)).toBe(true);
    });
    // The page break: the TOC alone on page 1, the findings from page 2; the appendix starts a page.
    expect(pages[0]!.text).not.toContain("The river was");
    expect(pages[1]!.text).toContain("Findings");
    // Where the headlines are (after the TOC page, which names them too).
    const pageOf = (label: string) => pages.findIndex((page, index) => index > 0 && page.items.some((item) => item.text === label)) + 1;
    const appendixPage = pageOf("Appendix");
    const closingPage = pageOf("Closing");
    expect(pages[appendixPage - 1]!.items.find((item) => item.text === "Appendix")!.y).toBeGreaterThan(600);
    expect(appendixPage).toBe(3);
    expect(closingPage).toBeGreaterThan(appendixPage);
    // The TOC lists each headline with the page it is on.
    const toc = pages[0]!.items;
    const entry = (label: string) => {
      const row = toc.find((item) => item.text === label)!;
      return toc.find((item) => Math.abs(item.y - row.y) < 1 && item !== row)?.text;
    };
    expect(entry("Findings")).toBe("2");
    expect(entry("Appendix")).toBe(String(appendixPage));
    expect(entry("Closing")).toBe(String(closingPage));
    // Runs, the spanned table and the grid are all there as text.
    expect(pages[1]!.text).toContain("high");
    expect(pages[1]!.text).toContain("Total depth 2.6 m");
    expect(pages[1]!.text).toContain("Left column");
    expect(pages[1]!.items.find((item) => item.text === "Right column")!.x).toBeGreaterThan(280);
  });

  it("embeds a custom font as a subset, and the bundled families by name (a list's own family too)", async () => {
    const inter = new Uint8Array((await env.ASSETS.fetch("https://assets.invalid/fonts/inter/400-normal.ttf").then((r) => r.arrayBuffer())) as ArrayBuffer);
    const res = await generate("pdf", {
      metadata: { title: "Fonts" },
      fonts: [{ name: "Brand Sans", weight: "regular", style: "normal", file: { type: "base64", base64: base64Of(inter) } }],
      styles: { text: { font_family: "Brand Sans" }, headline: { font_family: "Lobster" } },
      content: [
        { type: "headline", level: "h1", text: "Hello" },
        { type: "paragraph", runs: [{ text: "In the brand font." }] },
        { type: "list", items: [{ text: "A list in its own family" }], styles: { text_style: { font_family: "Caveat" } } },
      ],
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const names = [...new TextDecoder("latin1").decode(res.bytes).matchAll(/\/BaseFont\s*\/([A-Z]{6}\+[^\s/>]+)/g)].map((match) => match[1]);
    expect(names.some((name) => /^[A-Z]{6}\+Inter/.test(name!))).toBe(true);
    expect(names.some((name) => /^[A-Z]{6}\+Lobster/.test(name!))).toBe(true);
    expect(names.some((name) => /^[A-Z]{6}\+Caveat/.test(name!))).toBe(true);
    expect(res.bytes.length).toBeLessThan(inter.length);
  });
});

describe("document generation: DOCX", () => {
  it("writes Word structures: Heading styles, runs and links, w:tbl with gridSpan and vMerge, numbering, a picture, page breaks, a TOC field, PAGE in the footer, the title", async () => {
    const res = await generate("docx", report());
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    const xml = zipText(res.bytes, "word/document.xml");
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
    expect(xml).toContain('<w:pStyle w:val="Heading2"/>');
    expect(xml).toMatch(/<w:b\/>[^]*?<w:t xml:space="preserve">high<\/w:t>/);
    expect(xml).toContain("<w:hyperlink");
    expect(xml).toContain("<w:tbl>");
    expect(xml).toContain('<w:gridSpan w:val="3"/>');
    expect(xml).toContain('<w:vMerge w:val="restart"/>');
    expect(xml).toContain("<w:numPr>");
    expect(xml).toContain("<w:drawing>");
    expect(xml.match(/<w:br w:type="page"\/>/g)).toHaveLength(2);
    expect(xml).toContain("TOC \\h \\o &quot;1-2&quot;");
    const footer = zipText(res.bytes, "word/footer1.xml");
    expect(footer).toMatch(/PAGE/);
    expect(zipText(res.bytes, "docProps/core.xml")).toContain("<dc:title>Field report</dc:title>");
    const media = Object.entries(unzipSync(res.bytes)).filter(([path]) => path.startsWith("word/media/"));
    expect(media.map(([, bytes]) => qrValue(bytes)).filter(Boolean)).toEqual(["https://lamina.example/report"]);
    // Page size in twips (Letter: 12240 × 15840).
    expect(xml).toMatch(/<w:pgSz w:w="12240" w:h="15840"/);
  });
});

describe("document generation: EPUB", () => {
  it("writes an EPUB 3 package: mimetype first and stored, container, OPF with title and language, nav, a chapter per section", async () => {
    const res = await generate("epub", report());
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/epub+zip");
    const view = new DataView(res.bytes.buffer, res.bytes.byteOffset);
    expect(new TextDecoder().decode(res.bytes.subarray(30, 38))).toBe("mimetype");
    expect(view.getUint16(8, true)).toBe(0);
    expect(new TextDecoder().decode(res.bytes.subarray(38, 58))).toBe("application/epub+zip");
    const files = unzipSync(res.bytes);
    expect(strFromU8(files["META-INF/container.xml"]!)).toContain('full-path="OEBPS/content.opf"');
    const opf = strFromU8(files["OEBPS/content.opf"]!);
    expect(opf).toContain("<dc:title>Field report</dc:title>");
    expect(opf).toContain("<dc:language>en</dc:language>");
    expect(opf).toContain('properties="nav"');
    expect(strFromU8(files["OEBPS/nav.xhtml"]!)).toMatch(/<nav epub:type="toc" id="toc">[^]*Findings[^]*Appendix/);
    const chapters = Object.keys(files).filter((path) => /chapter-\d+\.xhtml$/.test(path));
    expect(chapters).toHaveLength(3);
    const second = strFromU8(files["OEBPS/chapter-2.xhtml"]!);
    expect(second).toContain('<h1 id="headline-1">Findings</h1>');
    expect(second).toContain('<td colspan="3"');
    expect(second).toContain('<td rowspan="2"');
    expect(second).toContain('<a href="https://example.com/map">the map</a>');
    // No header, footer or page numbers in EPUB.
    expect(Object.values(files).map((bytes) => strFromU8(bytes)).join("")).not.toContain("Acme survey");
  });
});

describe("document generation: PPTX", () => {
  it("puts each page-break-separated section on its own slides: text, tables and pictures, with the title", async () => {
    const res = await generate("pptx", report());
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    expect(res.body.data.mime_type).toBe("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    const files = unzipSync(res.bytes);
    const slides = Object.keys(files).filter((path) => /^ppt\/slides\/slide\d+\.xml$/.test(path)).sort((a, b) => Number(/(\d+)\.xml/.exec(a)![1]) - Number(/(\d+)\.xml/.exec(b)![1]));
    // The TOC slide, the findings, then the appendix on as many slides as its 60 paragraphs need.
    expect(slides.length).toBeGreaterThanOrEqual(4);
    const slide = (index: number) => strFromU8(files[slides[index]!]!);
    expect(slide(0)).toContain("Findings");
    expect(slide(0)).not.toContain("The river was");
    expect(slide(1)).toContain("The river was ");
    expect(slide(1)).toContain("<a:tbl>");
    expect(slide(1)).toContain("<p:pic>");
    expect(slide(2)).toContain("Appendix");
    expect(strFromU8(files["docProps/core.xml"]!)).toContain("<dc:title>Field report</dc:title>");
    const media = Object.entries(files).filter(([path]) => path.startsWith("ppt/media/"));
    expect(media.map(([, bytes]) => qrValue(bytes)).filter(Boolean)).toEqual(["https://lamina.example/report"]);
    // Deflated (pptxgenjs alone stores every entry): the parts unzipped weigh several times the file.
    const unpacked = Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0);
    expect(res.bytes.length).toBeLessThan(unpacked / 4);
  });
});

describe("document generation: legacy shapes", () => {
  it("accepts is_bold, page.size.custom, {{page_number}} in footer text, separator margins and headline TOC is_excluded", async () => {
    const res = await generate("pdf", {
      metadata: { title: "Legacy" },
      page: { size: { custom: { width_in_pt: 400, height_in_pt: 500 } } },
      footer: [{ type: "paragraph", runs: [{ text: "Page {{page_number}}" }] }],
      content: [
        { type: "table-of-contents" },
        { type: "headline", level: "h1", text: "Listed" },
        { type: "headline", level: "h1", text: "Hidden", table_of_contents: { is_excluded: true } },
        { type: "paragraph", runs: [{ text: "Strong", is_bold: true }] },
        { type: "separator", styles: { margin_top_in_pt: 4, margin_bottom_in_pt: 4 } },
      ],
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    const { pages } = await readPdf(res.bytes);
    expect([pages[0]!.width, pages[0]!.height]).toEqual([400, 500]);
    expect(pages[0]!.text).toContain("Page 1");
    expect(pages[0]!.items.filter((item) => item.text === "Listed")).toHaveLength(2);
    expect(pages[0]!.items.filter((item) => item.text === "Hidden")).toHaveLength(1);
    expect(new TextDecoder("latin1").decode(res.bytes)).toMatch(/\/BaseFont\s*\/[A-Z]{6}\+PlusJakartaSans-Bold/);
  });
});

describe("document generation: bad input and failures", () => {
  const minimal = (content: unknown[], extra: Record<string, unknown> = {}) => ({ metadata: { title: "T" }, content, ...extra });
  it.each([
    ["a missing title", { format: "pdf", document: { metadata: {}, content: [] } }, /^document\.metadata\.title: /],
    ["an unknown format", { format: "odt", document: minimal([]) }, /^format: /],
    ["an unknown block type", { format: "pdf", document: minimal([{ type: "paragraph", runs: [{ text: "a" }] }, { type: "video" }]) }, /^document\.content\.1/],
    ["a bad colour", { format: "pdf", document: minimal([{ type: "separator", styles: { color: "red" } }]) }, /^document\.content\.0\.styles\.color: must be a hex color/],
    ["a column span past the columns", { format: "pdf", document: minimal([{ type: "table", header: { cells: [{ text: "a" }, { text: "b" }] }, rows: [{ cells: [{ text: "x", column_span: 3 }] }] }]) }, /^document\.content\.0\.rows\.0\.cells\.0\.column_span: the row spans 3 columns; the table has 2/],
    ["a page number in the content", { format: "pdf", document: minimal([{ type: "page-number" }]) }, /^document\.content\.0\.type: a page-number block belongs in the header or footer/],
    ["grid columns past 12", { format: "pdf", document: minimal([{ type: "grid", columns: [{ column_span: 8, blocks: [] }, { column_span: 6, blocks: [] }] }]) }, /^document\.content\.0\.columns: the columns span 14 of the grid's 12/],
    ["a paragraph with neither runs nor markdown", { format: "pdf", document: minimal([{ type: "paragraph" }]) }, /^document\.content\.0\.runs: give either runs or markdown/],
    ["more blocks than the limit", { format: "pdf", document: minimal(Array.from({ length: 5001 }, () => ({ type: "separator" }))) }, /^document\.content: /],
    ["lists nested past 8 levels", { format: "pdf", document: minimal([{ type: "list", items: [JSON.parse(`${'{"text":"a","children":['.repeat(9)}{"text":"z"}${"]}".repeat(9)}`)] }]) }, /lists nest at most 8 levels deep/],
    ["an invalid barcode value", { format: "pdf", document: minimal([{ type: "barcode", value: "abc", format: "ean13", width_in_pt: 100, height_in_pt: 40 }]) }, /^document\.content\.0\.value: /],
  ])("refuses %s with a 400 naming the path, charging nothing", (_, body, message) => expectRefused(PATH, body, message));

  it("an image that cannot be fetched or decoded is a 422 naming the block, refunded", async () => {
    const missing = createReceiver(() => new Response("gone", { status: 404 }));
    const fetched = await generate("docx", { metadata: { title: "T" }, content: [{ type: "image", file: { type: "url", url: missing.url }, width_in_pt: 10, height_in_pt: 10 }] });
    expect(fetched.status).toBe(422);
    expect(fetched.body.error).toMatch(/^document\.content\.0: fetching .* answered HTTP 404/);
    expect(fetched.spent).toBe(0);
    const broken = await generate("pdf", { metadata: { title: "T" }, content: [{ type: "image", file: { type: "base64", base64: btoa("not an image at all") }, width_in_pt: 10, height_in_pt: 10 }] });
    expect(broken.status).toBe(422);
    expect(broken.body.error).toMatch(/^document\.content\.0: /);
    expect(broken.spent).toBe(0);
  });

  it("an image whose header says 11000 × 11000 pixels is a 422 before it is decoded, refunded, and the service answers after", async () => {
    const png = pngOf(1, 1, () => [0, 0, 0, 255]);
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, 11_000);
    view.setUint32(20, 11_000);
    const bomb = await generate("pptx", { metadata: { title: "T" }, content: [{ type: "image", file: { type: "base64", base64: base64Of(png) }, width_in_pt: 10, height_in_pt: 10 }] });
    expect(bomb.status).toBe(422);
    expect(bomb.body.error).toBe("document.content.0: the image is 11000 × 11000 pixels; at most 4194304 pixels are decoded");
    expect(bomb.spent).toBe(0);
    const after = await generate("pdf", { metadata: { title: "T" }, content: [{ type: "paragraph", runs: [{ text: "Still here" }] }] });
    expect(after.status).toBe(200);
    expect((await readPdf(after.bytes)).pages[0]!.text).toContain("Still here");
  });

  it("async: 201, the PDF by signed webhook, 2 credits; a failing image is a failure webhook, refunded", async () => {
    const account = await createAccount(10);
    const hook = createReceiver();
    const res = await callJson(PATH, { key: account.apiKey, body: { format: "pdf", document: { metadata: { title: "Async" }, content: [{ type: "paragraph", runs: [{ text: "By webhook" }] }] }, webhook_url: hook.url } });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(hook.deliveries[0]!.body);
    expect(payload).toMatchObject({ success: true, api: "document_generation", data: { mime_type: "application/pdf" } });
    expect((await readPdf(bytesOf(payload.data.buffer))).pages[0]!.text).toContain("By webhook");
    expect(await balanceOf(account.accountId)).toBe(8);
    const missing = createReceiver(() => new Response("gone", { status: 404 }));
    const failing = await callJson(PATH, { key: account.apiKey, body: { format: "epub", document: { metadata: { title: "Async" }, content: [{ type: "image", file: { type: "url", url: missing.url }, width_in_pt: 10, height_in_pt: 10 }] }, webhook_url: hook.url } });
    expect(failing.status).toBe(201);
    await waitForJob(failing.body.job_id, (job) => job.deliveryStatus === "delivered");
    expect(JSON.parse(hook.deliveries[1]!.body)).toMatchObject({ success: false, api: "document_generation", error: { message: expect.stringMatching(/answered HTTP 404/) } });
    expect(await balanceOf(account.accountId)).toBe(8);
  });
});
