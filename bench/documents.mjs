// `npm run bench:documents` (and the documents rows of `npm run bench`): sync document to markdown of a 20-page
// PDF and of a 50-page DOCX, website extraction of a 200 KB page, and document generation of a 30-page report (a
// TOC, a table, an image and text a page) in each of the four formats, against `wrangler dev`. Each is timed
// against a one-page (or 2 KB) input of the same shape in the same run, so the figures are ratios that hold on
// any machine: the ratio says how the cost grows with the input, the per-page time what a page costs.
import { Document, HeadingLevel, Packer, PageBreak, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { encode as encodePng } from "fast-png";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { median, startStack } from "../scripts/lib/stack.mjs";
import { loadNodeApis } from "./node-apis.mjs";

const RUNS = Number(process.env.BENCH_DOCUMENT_RUNS ?? 7);
const log = (message) => console.log(`[bench:documents] ${message}`);

const SENTENCE = "The survey team walked the northern ridge and recorded the state of every path, bridge and sign along the way.";

async function pdfOf(pages) {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let number = 1; number <= pages; number++) {
    const page = pdf.addPage([595, 842]);
    let y = 790;
    page.drawText(`Section ${number}`, { x: 50, y, size: 18, font });
    y -= 34;
    for (let line = 0; line < 30; line++) {
      page.drawText(`${SENTENCE.slice(0, 80)} ${line}`, { x: 50, y, size: 10, font });
      y -= 14;
    }
    y -= 10;
    for (let row = 0; row < 8; row++) {
      for (const [column, text] of [`Item ${row}`, `${row * 3}`, `${(row * 2.5).toFixed(2)} EUR`].entries()) {
        page.drawText(text, { x: 50 + column * 160, y, size: 10, font });
      }
      y -= 14;
    }
  }
  return pdf.save();
}

async function docxOf(pages) {
  const children = [];
  for (let number = 1; number <= pages; number++) {
    children.push(new Paragraph({ text: `Chapter ${number}`, heading: HeadingLevel.HEADING_1 }));
    for (let paragraph = 0; paragraph < 8; paragraph++) {
      children.push(new Paragraph({ children: [new TextRun(SENTENCE), new TextRun({ text: " Bold remark.", bold: true }), new TextRun(` ${SENTENCE}`)] }));
    }
    children.push(
      new Table({
        rows: Array.from({ length: 6 }, (_, row) => new TableRow({ children: ["Item", "Qty", "Price"].map((head) => new TableCell({ children: [new Paragraph(row === 0 ? head : `${head} ${row}`)] })) })),
      }),
    );
    if (number < pages) children.push(new Paragraph({ children: [new PageBreak()] }));
  }
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

/** A product page of about `kib` KiB: JSON-LD, meta tags, navigation, and article paragraphs to fill it. */
function pageOf(kib) {
  const head =
    "<!doctype html><html lang='en'><head><title>Trail Widget</title><meta property='og:title' content='Trail Widget'>" +
    "<script type='application/ld+json'>{\"@type\":\"Product\",\"name\":\"Trail Widget\",\"offers\":{\"@type\":\"Offer\",\"price\":\"49.99\",\"priceCurrency\":\"USD\"}}</script></head>" +
    `<body><nav>${Array.from({ length: 40 }, (_, i) => `<a href='/c/${i}'>Category ${i}</a>`).join("")}</nav><main><h1>Trail Widget</h1>`;
  const tail = "<p>Price: $49.99</p></main><footer>© Acme</footer></body></html>";
  let body = "";
  for (let i = 0; head.length + body.length + tail.length < kib * 1024; i++) {
    body += `<h2>Part ${i}</h2><p>${SENTENCE} <a href='/docs/${i}'>More</a>.</p><img src='/img/${i}.jpg' alt='Photo ${i}'>`;
  }
  return head + body + tail;
}

/** A generation request: a report of `pages` sections (page breaks between), each a headline, text, a table and an image. */
function reportOf(format, pages) {
  const data = new Uint8Array(160 * 90 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
  const image = Buffer.from(encodePng({ width: 160, height: 90, data, channels: 4 })).toString("base64");
  const content = [{ type: "table-of-contents" }];
  for (let number = 1; number <= pages; number++) {
    content.push(
      { type: "page-break" },
      { type: "headline", level: "h1", text: `Section ${number}` },
      ...Array.from({ length: 3 }, () => ({ type: "paragraph", runs: [{ text: `${SENTENCE} ` }, { text: "Noted.", font_weight: "bold" }, { text: ` ${SENTENCE}` }] })),
      { type: "table", header: { cells: [{ text: "Item" }, { text: "Qty" }, { text: "Price" }] }, rows: Array.from({ length: 6 }, (_, row) => ({ cells: [{ text: `Item ${row}` }, { text: String(row) }, { text: `${row}.50` }] })) },
      { type: "image", file: { type: "base64", base64: image }, width_in_pt: 160, height_in_pt: 90 },
    );
  }
  return JSON.stringify({ format, document: { metadata: { title: "Bench report" }, footer: [{ type: "page-number" }], content } });
}

export const DOCUMENT_PAGES = { "/bench/page-small": pageOf(2), "/bench/page-large": pageOf(200) };

/** Serves the bench pages (and an empty robots.txt) from the stack's receiver; false for anything else. */
export function serveBenchPages(delivery, _req, res) {
  if (delivery.path === "/robots.txt") {
    res.writeHead(404).end();
    return true;
  }
  const page = DOCUMENT_PAGES[delivery.path];
  if (!page) return false;
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
  return true;
}

/** The medians of RUNS sync requests (after one that loads the API's code): the whole request, and the processing inside the Worker. */
async function timeRequests(stack, apiKey, path, body, check) {
  const times = [];
  const processed = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const res = await stack.timedPost(path, apiKey, body);
    if (res.status !== 200 || res.processMs === null) throw new Error(`${path}: ${res.status} ${res.text.slice(0, 300)}`);
    check(JSON.parse(res.text));
    if (run > 0) {
      times.push(res.ms);
      processed.push(res.processMs);
    }
  }
  return { requestMs: median(times), processMs: median(processed) };
}

/**
 * The document rows, measured on a running stack whose receiver serves `serveBenchPages`. With `nodeApis`
 * (bench/node-apis.mjs), the large input of each markdown and generation case also runs in Node: `node_ms`.
 */
export async function benchDocuments(stack, nodeApis = null) {
  const { apiKey } = await stack.createAccount(1_000_000, "bench-documents", { rateLimitPerMinute: 0 });
  log("the account's rate limit: unlimited (0), so the limiter never holds a case back");
  const markdown = (name, bytes) => JSON.stringify({ file: { type: "base64", name, base64: Buffer.from(bytes).toString("base64") } });
  const rows = [];
  const nodeApi = { "/document-to-markdown/v1/convert": "document_to_markdown", "/document-generation/v1/generate": "document_generation", "/website-extraction/v1/extract": "website_extraction" };
  const measure = async (label, pages, path, [small, smallCheck], [large, largeCheck]) => {
    const smallRun = await timeRequests(stack, apiKey, path, small, smallCheck);
    const largeRun = await timeRequests(stack, apiKey, path, large, largeCheck);
    // ms: the whole request (as these rows always were); process_ms: the API's processing inside the Worker, the figure the Node run compares with.
    const largeMs = largeRun.requestMs;
    const smallMs = smallRun.requestMs;
    const row = { case: label, ms: Math.round(largeMs), process_ms: Math.round(largeRun.processMs), reference_ms: Math.round(smallMs), ratio: Number((largeMs / smallMs).toFixed(1)), ms_per_page: Number((largeMs / pages).toFixed(1)) };
    if (nodeApis && nodeApi[path]) row.node_ms = Math.round(await nodeApis.time(nodeApi[path], large));
    log(`${label}: ${row.ms} ms, of which processing ${row.process_ms} ms (1 page: ${row.reference_ms} ms, ×${row.ratio}; ${row.ms_per_page} ms a page)${row.node_ms === undefined ? "" : `; Node ${row.node_ms} ms`}`);
    rows.push(row);
  };
  const hasHeading = (pattern) => (json) => {
    if (!pattern.test(json.data.markdown)) throw new Error(`markdown without ${pattern}`);
  };
  // Each answer is checked: the last page's heading must be there (and its table, for the DOCX).
  await measure("markdown, 20-page PDF", 20, "/document-to-markdown/v1/convert", [markdown("one.pdf", await pdfOf(1)), hasHeading(/^# Section 1$/m)], [markdown("twenty.pdf", await pdfOf(20)), hasHeading(/^# Section 20$/m)]);
  await measure("markdown, 50-page DOCX", 50, "/document-to-markdown/v1/convert", [markdown("one.docx", await docxOf(1)), hasHeading(/^# Chapter 1$/m)], [markdown("fifty.docx", await docxOf(50)), hasHeading(/^# Chapter 50\n[^]*\| Item 5 \| Qty 5 \| Price 5 \|$/m)]);
  const website = (path) =>
    JSON.stringify({ file: { type: "url", url: stack.receiver.url(path) }, schema: { fields: [{ name: "price", type: "CURRENCY_AMOUNT", description: "Price" }, { name: "product", type: "TEXT", description: "Product name" }] } });
  const priced = (json) => {
    if (json.data.price?.value !== 49.99 || json.data.product?.value !== "Trail Widget") throw new Error(`fields not found: ${JSON.stringify(json.data)}`);
  };
  await measure("website extraction, 200 KB page", 1, "/website-extraction/v1/extract", [website("/bench/page-small"), priced], [website("/bench/page-large"), (json) => {
    priced(json);
    if (json.metadata.body_size < 200 * 1024 || json.metadata.headings.length < 300) throw new Error(`not the large page: ${json.metadata.body_size} bytes`);
  }]);
  for (const format of ["pdf", "docx", "epub", "pptx"]) {
    const produced = (json) => {
      if (!json.data.buffer || json.data.buffer.length < 1000) throw new Error(`${format}: no file`);
    };
    await measure(`generation, 30-page report → ${format.toUpperCase()}`, 30, "/document-generation/v1/generate", [reportOf(format, 1), produced], [reportOf(format, 30), produced]);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stack = await startStack({ log, receiverHandler: serveBenchPages });
  try {
    const rows = await benchDocuments(stack, await loadNodeApis({ pages: DOCUMENT_PAGES }));
    console.log("\ncase                               large     1 page   ratio   per page  processing  Node (same code)");
    for (const row of rows) console.log(`${row.case.padEnd(34)} ${`${row.ms} ms`.padEnd(9)} ${`${row.reference_ms} ms`.padEnd(8)} ×${String(row.ratio).padEnd(6)} ${`${row.ms_per_page} ms`.padEnd(9)} ${`${row.process_ms} ms`.padEnd(11)} ${row.node_ms === undefined ? "" : `${row.node_ms} ms`}`);
  } finally {
    await stack.stop();
  }
}
