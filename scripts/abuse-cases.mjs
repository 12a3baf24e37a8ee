// The cases of `npm run test:abuse` (scripts/abuse.mjs), for all seven APIs: each the request, the class of answer it
// must get (or, async, the job's end), and the hostile server behaviour it needs. Inputs are built when the case
// runs, so a filtered run builds only its own.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8 } from "fflate";
import {
  b64, claimedPng, compressedZeros, docxOf, epubOf, fixture, flatPng, jpegFillBomb, lyingEntry, MiB, noisePng, pdfInflatingTo, pdfOfPages, zipOf,
} from "./lib/hostile.mjs";
import { API_PATHS, ROOT } from "./lib/stack.mjs";

const { EXTRACT, GENERATE, TRANSFORM, MARKDOWN, WEBSITE, DOCUMENT, SHEET } = API_PATHS;
const TOTAL = { fields: [{ name: "total", type: "DECIMAL", description: "Total amount" }] };

const base64File = (name, bytes) => ({ type: "base64", name, base64: b64(bytes) });
const extract = (name, bytes) => ({ files: [base64File(name, bytes)], schema: TOTAL });
const markdown = (name, bytes) => ({ file: base64File(name, bytes) });
const document = (format, content) => ({ format, document: { metadata: { title: "Abuse" }, content } });

/** What the hostile servers do now: the files they serve and how robots.txt answers (set by each case's body). */
const state = { files: new Map(), robots: "none" };
const serve = (name, bytes) => {
  state.files.set(name, bytes);
  return `{{ORIGIN}}/files/${name}`;
};
const withRobots = (mode, body) => () => {
  state.robots = mode;
  return body();
};

let gzipBomb;
let brotliBomb;

/** The stack receiver's handler: files, hostile pages and robots.txt; anything else is a webhook (plain 200). */
export function serving(delivery, req, res) {
  const path = delivery.path.split("?")[0];
  if (path.startsWith("/files/")) {
    const bytes = state.files.get(path.slice("/files/".length));
    if (!bytes) return false;
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": bytes.length }).end(Buffer.from(bytes));
    return true;
  }
  if (path === "/robots.txt") {
    if (state.robots === "huge") {
      // 50 MB of rules, streamed: the fetcher must stop reading at its cap.
      res.writeHead(200, { "Content-Type": "text/plain" });
      const line = Buffer.from("Allow: /a/very/long/path/that/goes/on/and/on\n".repeat(1000));
      let sent = 0;
      const write = () => {
        while (sent < 50 * MiB && !res.destroyed) {
          sent += line.length;
          if (!res.write(line)) return void res.once("drain", write);
        }
        res.end();
      };
      write();
    } else if (state.robots === "slow") {
      setTimeout(() => !res.destroyed && res.writeHead(200, { "Content-Type": "text/plain" }).end("User-agent: *\nAllow: /\n"), 1_900);
    } else {
      res.writeHead(404).end("none");
    }
    return true;
  }
  if (path === "/site/loop") {
    res.writeHead(302, { Location: "/site/loop" }).end();
    return true;
  }
  if (path === "/site/hop") {
    res.writeHead(302, { Location: delivery.headers.host.startsWith("127.0.0.1") ? `https://localhost:${req.socket.localPort}/site/page` : "/site/page" }).end();
    return true;
  }
  if (path === "/site/page") {
    res.writeHead(200, { "Content-Type": "text/html" }).end("<main><h1>Widget</h1><p>Total: 49.99</p></main>");
    return true;
  }
  if (path === "/site/slowloris") {
    // Headers, then a byte every half second for up to two minutes.
    res.writeHead(200, { "Content-Type": "text/html" });
    res.write("<html><body>");
    let beats = 0;
    const timer = setInterval(() => {
      if (res.destroyed || ++beats > 240) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write("x");
    }, 500);
    res.on("close", () => clearInterval(timer));
    return true;
  }
  if (path === "/site/endless") {
    // HTML without end, as fast as it is read, up to 500 MB.
    res.writeHead(200, { "Content-Type": "text/html" });
    const chunk = Buffer.from(`<p>${"endless ".repeat(8000)}</p>`);
    let sent = 0;
    const write = () => {
      while (!res.destroyed && sent < 500 * MiB) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", write);
      }
      if (!res.destroyed) res.end();
    };
    write();
    return true;
  }
  if (path === "/site/gzip" || path === "/site/brotli") {
    const bomb = path === "/site/gzip" ? gzipBomb : brotliBomb;
    res.writeHead(200, { "Content-Type": "text/html", "Content-Encoding": path === "/site/gzip" ? "gzip" : "br", "Content-Length": bomb.length }).end(bomb);
    return true;
  }
  return false;
}

const blurs = (count, sigma) => Array.from({ length: count }, () => ({ type: "blur", sigma }));
const listItems = (lists, items) => Array.from({ length: lists }, () => ({ type: "list", items: Array.from({ length: items }, () => ({ text: "" })) }));
const paragraphs = (count, length) => Array.from({ length: count }, (_, i) => ({ type: "paragraph", runs: [{ text: `${i}: ${"the survey team walked the ridge and recorded the path ".repeat(4)}`.slice(0, length) }] }));
const image = (path) => new Uint8Array(readFileSync(join(ROOT, "../shared/corpus/images", path)));

/** A workbook (SheetJS's writer) of `sheets` sheets of numbers, each about `bytes` of cells as its format stores them. */
async function workbookOf(bookType, sheets, bytes) {
  const XLSX = await import("@e965/xlsx");
  const workbook = XLSX.utils.book_new();
  // About 24 bytes a number cell in SpreadsheetML, 18 in BIFF8.
  const cells = Math.floor(bytes / (bookType === "xlsx" ? 24 : 18));
  const columns = 200;
  for (let s = 0; s < sheets; s++) {
    const rows = Array.from({ length: Math.ceil(cells / columns) }, (_, r) => Array.from({ length: columns }, (_, c) => r * columns + c));
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(rows), `Sheet${s + 1}`);
  }
  return new Uint8Array(XLSX.write(workbook, { type: "array", bookType }));
}

/** Every case: name, path, body (built when it runs), and `expect` ("2xx", "4xx", "400", "422"), or `job` for async. */
export function cases() {
  return [
    // Image generation
    { name: "image generation: canvas of 8192 × 8192", path: GENERATE, expect: "400", body: () => ({ dimensions: { width_in_px: 8192, height_in_px: 8192 }, layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF" }] }) },
    { name: "image generation: an image layer whose PNG header claims 11000²", path: GENERATE, expect: "422", body: () => ({ dimensions: { width_in_px: 100, height_in_px: 100 }, layers: [{ index: 0, type: "image", file: base64File("bomb.png", claimedPng(11_000, 11_000)) }] }) },
    { name: "image generation: an image layer, a JPEG claiming 8000² behind a fill byte", path: GENERATE, expect: "422", body: () => ({ dimensions: { width_in_px: 100, height_in_px: 100 }, layers: [{ index: 0, type: "image", file: base64File("fill.jpg", jpegFillBomb(8000)) }] }) },
    { name: "image generation: 10,000 characters auto-scaled in 1200 × 800", path: GENERATE, expect: "2xx", body: () => ({ dimensions: { width_in_px: 1200, height_in_px: 800 }, layers: [{ index: 0, type: "text", text: "lorem ipsum ".repeat(834).slice(0, 10_000), font_name: "Inter", font_size_in_px: 200, text_color: "#000000", should_auto_scale: true, dimensions: { width_in_px: 1200, height_in_px: 800 } }] }) },
    { name: "image generation: a 1448² noise PNG by URL on a 1448² canvas", path: GENERATE, expect: "2xx", body: () => ({ dimensions: { width_in_px: 1448, height_in_px: 1448 }, layers: [{ index: 0, type: "image", file: { type: "url", url: serve("noise-gen.png", noisePng(1448, 1448)) } }] }) },

    // Image transformation
    { name: "image transformation: 30 blurs of sigma 8 on 2048²", path: TRANSFORM, expect: "400", body: () => ({ file: base64File("big.png", flatPng(2048, 2048)), operations: blurs(30, 8) }) },
    { name: "image transformation: 30 sharpens on 2048²", path: TRANSFORM, expect: "400", body: () => ({ file: base64File("big.png", flatPng(2048, 2048)), operations: Array.from({ length: 30 }, () => ({ type: "sharpen", sigma: 8 })) }) },
    { name: "image transformation: 30 denoises of 25 on 2048²", path: TRANSFORM, expect: "400", body: () => ({ file: base64File("big.png", flatPng(2048, 2048)), operations: Array.from({ length: 30 }, () => ({ type: "denoise", size: 25 })) }) },
    { name: "image transformation: 30 blurs on 2048² by URL", path: TRANSFORM, expect: "422", body: () => ({ file: { type: "url", url: serve("big-url.png", flatPng(2048, 2048)) }, operations: blurs(30, 8) }) },
    { name: "image transformation: 30 smart crops of 2000² on 2048²", path: TRANSFORM, expect: "400", body: () => ({ file: base64File("big.png", flatPng(2048, 2048)), operations: Array.from({ length: 30 }, () => ({ type: "smart_crop", width_in_px: 2000, height_in_px: 2000 })) }) },
    { name: "image transformation: 10 smart crops of 1000² on 2048² noise", path: TRANSFORM, expect: "2xx", body: () => ({ file: { type: "url", url: serve("noise-2048.png", noisePng(2048, 2048)) }, operations: Array.from({ length: 10 }, () => ({ type: "smart_crop", width_in_px: 1000, height_in_px: 1000 })) }) },
    { name: "image transformation: the budget's edge, 4 blurs of sigma 8 on 2048² noise", path: TRANSFORM, expect: "2xx", body: () => ({ file: { type: "url", url: serve("noise-2048.png", noisePng(2048, 2048)) }, operations: [...blurs(4, 8), { type: "convert", format: "png" }] }) },
    { name: "image transformation: 2048² noise → resize → sharpen → WebP", path: TRANSFORM, expect: "2xx", body: () => ({ file: { type: "url", url: serve("noise-2048.png", noisePng(2048, 2048)) }, operations: [{ type: "resize", width_in_px: 1024, height_in_px: 1024, fit: "fill" }, { type: "sharpen", sigma: 1 }, { type: "convert", format: "webp", quality: 80 }] }) },
    { name: "image transformation: 2048² noise → compress_to_size AVIF of 10 KB", path: TRANSFORM, expect: "422", body: () => ({ file: { type: "url", url: serve("noise-2048.png", noisePng(2048, 2048)) }, operations: [{ type: "convert", format: "avif" }, { type: "compress_to_size", max_file_size_in_bytes: 10_000 }] }) },
    { name: "image transformation: a JPEG claiming 8000² behind a fill byte", path: TRANSFORM, expect: "422", body: () => ({ file: base64File("fill.jpg", jpegFillBomb(8000)), operations: [{ type: "flop" }] }) },
    { name: "image transformation: an AVIF whose ispe says 100² over 2400² of AV1", path: TRANSFORM, expect: "422", body: () => ({ file: base64File("lying.avif", fixture("image-transformation/lying-ispe.avif")), operations: [{ type: "flop" }] }) },
    { name: "image transformation: an AVIF whose meta sits past 64 KB", path: TRANSFORM, expect: "422", body: () => ({ file: base64File("late.avif", fixture("image-transformation/late-meta.avif")), operations: [{ type: "flop" }] }) },
    { name: "image transformation: the HEIC fixture", path: TRANSFORM, expect: "2xx", body: () => ({ file: base64File("tiles.heic", fixture("image-transformation/tiles.heic")), operations: [{ type: "flop" }] }) },
    { name: "image transformation: a 12 MP iPhone HEIC (refused by the pixel budget)", path: TRANSFORM, expect: "422", body: () => ({ file: base64File("IMG_1034.heic", image("heic/IMG_1034.heic")), operations: [{ type: "flop" }] }) },
    { name: "image transformation: JPEG XL", path: TRANSFORM, expect: "422", body: () => ({ file: base64File("photo.jxl", image("jxl/8bit-sRGB.jxl")), operations: [{ type: "flop" }] }) },

    // Document extraction
    { name: "document extraction: DOCX whose document.xml declares 1,000 bytes and inflates to 1 GiB", path: EXTRACT, expect: "422", body: () => extract("lie.docx", zipOf([lyingEntry("word/document.xml", 1024)])) },
    { name: "document extraction: DOCX whose document.xml nests 100,000 deep", path: EXTRACT, expect: "422", body: () => extract("deep.docx", docxOf(`${"<w:p>".repeat(100_000)}${"</w:p>".repeat(100_000)}`)) },
    { name: "document extraction: EPUB of two 8 MiB chapters", path: EXTRACT, expect: "422", body: () => { const chapter = `<html><body>${"<p>Chapter text that goes on.</p>".repeat((8 * MiB) / 32)}</body></html>`; return extract("long.epub", epubOf({ ch1: chapter, ch2: chapter })); } },
    { name: "document extraction: EPUB, one chapter of 150,000 paragraphs", path: EXTRACT, expect: "2xx", body: () => extract("many.epub", epubOf({ ch1: `<html><body>${Array.from({ length: 150_000 }, (_, i) => `<p>P${i}</p>`).join("")}<p>Total: 5.00</p></body></html>` })) },
    { name: "document extraction: a PDF of 10,000 pages", path: EXTRACT, expect: "400", body: async () => extract("long.pdf", await pdfOfPages(10_000)) },
    { name: "document extraction: a PDF of 2,000 pages (the page budget)", path: EXTRACT, expect: "2xx", body: async () => extract("pages.pdf", await pdfOfPages(2_000)) },
    { name: "document extraction: a PDF whose streams inflate to 64 MiB", path: EXTRACT, expect: "4xx", body: async () => extract("bomb.pdf", await pdfInflatingTo(64 * MiB)) },
    { name: "document extraction: a YAML alias bomb", path: EXTRACT, expect: "422", body: () => extract("bomb.yaml", strToU8(["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n"))) },
    { name: "document extraction: JSON nested 100,000 deep", path: EXTRACT, expect: "4xx", body: () => extract("deep.json", strToU8(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)) },
    { name: "document extraction: a 5 MiB text file", path: EXTRACT, expect: "2xx", body: () => extract("big.txt", strToU8(Array.from({ length: 65_000 }, (_, i) => `Line ${i}: the goods were delivered and 123.45 is due.`.padEnd(80, ".")).join("\n").slice(0, 5 * MiB))) },
    { name: "document to markdown: an XLSX of two 7.9 MiB sheets (the zip budget) full of numbers", path: MARKDOWN, expect: "4xx", body: async () => ({ file: { type: "url", name: "cells.xlsx", url: serve("cells.xlsx", await workbookOf("xlsx", 2, 7.9 * MiB)) } }) },
    ...[[2, "2xx"], [6, "422"]].map(([mb, expect]) => ({ name: `document to markdown: an XLS of ${mb} MB of numbers (SheetJS's own writer)`, path: MARKDOWN, expect, body: async () => ({ file: { type: "url", name: "cells.xls", url: serve(`cells-${mb}.xls`, await workbookOf("biff8", 1, mb * MiB)) } }) })),
    ...[[3, "4xx"], [5, "422"]].map(([mib, expect]) => ({ name: `document to markdown: an XLSX of two ${mib} MiB sheets of numbers`, path: MARKDOWN, expect, body: async () => ({ file: { type: "url", name: "cells.xlsx", url: serve(`cells-${mib}.xlsx`, await workbookOf("xlsx", 2, mib * MiB)) } }) })),
    { name: "document extraction (async): DOCX inflating to 1 GiB", path: EXTRACT, job: "failed", body: () => ({ ...extract("lie.docx", zipOf([lyingEntry("word/document.xml", 1024)])), webhook_url: "{{ORIGIN}}/hook" }) },

    // Document to markdown
    { name: "document to markdown: an 11 MB PPTX whose slide inflates to 11 GiB", path: MARKDOWN, expect: "422", body: () => markdown("lie.pptx", zipOf([{ name: "ppt/presentation.xml", data: "<p:presentation/>" }, lyingEntry("ppt/slides/slide1.xml", 11 * 1024)])) },
    { name: "document to markdown: ODT whose content.xml inflates to 1 GiB", path: MARKDOWN, expect: "422", body: () => markdown("lie.odt", zipOf([lyingEntry("content.xml", 1024)])) },
    { name: "document to markdown: EPUB whose container inflates to 1 GiB", path: MARKDOWN, expect: "422", body: () => markdown("lie.epub", zipOf([lyingEntry("META-INF/container.xml", 1024)])) },
    { name: "document to markdown: a PDF of 10,000 pages", path: MARKDOWN, expect: "400", body: async () => markdown("long.pdf", await pdfOfPages(10_000)) },
    { name: "document to markdown: a PDF of 10,000 pages by URL", path: MARKDOWN, expect: "422", body: async () => ({ file: { type: "url", name: "long.pdf", url: serve("long.pdf", await pdfOfPages(10_000)) } }) },
    { name: "document to markdown (async): PPTX inflating to 4 GiB", path: MARKDOWN, job: "failed", body: () => ({ ...markdown("lie.pptx", zipOf([{ name: "ppt/presentation.xml", data: "<p:presentation/>" }, lyingEntry("ppt/slides/slide1.xml", 4 * 1024)])), webhook_url: "{{ORIGIN}}/hook" }) },

    // Website extraction
    { name: "website extraction: a redirect loop", path: WEBSITE, expect: "422", body: withRobots("none", () => ({ file: { type: "url", url: "{{ORIGIN}}/site/loop" }, schema: TOTAL })) },
    { name: "website extraction: slowloris, timeout_ms 3000", path: WEBSITE, expect: "422", body: withRobots("none", () => ({ file: { type: "url", url: "{{ORIGIN}}/site/slowloris", fetch_options: { timeout_ms: 3000 } }, schema: TOTAL })) },
    { name: "website extraction: a gzip bomb (256 MiB of zeros)", path: WEBSITE, expect: "422", body: withRobots("none", async () => { gzipBomb ??= await compressedZeros("gzip", 256); return { file: { type: "url", url: "{{ORIGIN}}/site/gzip" }, schema: TOTAL }; }) },
    { name: "website extraction: a brotli bomb (256 MiB of zeros)", path: WEBSITE, expect: "422", body: withRobots("none", async () => { brotliBomb ??= await compressedZeros("brotli", 256); return { file: { type: "url", url: "{{ORIGIN}}/site/brotli" }, schema: TOTAL }; }) },
    { name: "website extraction: an endless page", path: WEBSITE, expect: "422", body: withRobots("none", () => ({ file: { type: "url", url: "{{ORIGIN}}/site/endless" }, schema: TOTAL })) },
    { name: "website extraction: a 50 MB robots.txt", path: WEBSITE, expect: "422", body: withRobots("huge", () => ({ file: { type: "url", url: "{{ORIGIN}}/site/page" }, schema: TOTAL })) },
    { name: "website extraction: slow robots.txt on two origins, timeout_ms 2000 for the whole", path: WEBSITE, expect: "422", body: withRobots("slow", () => ({ file: { type: "url", url: "{{ORIGIN2}}/site/hop", fetch_options: { timeout_ms: 2000 } }, schema: TOTAL })) },
    { name: "website extraction: a plain page", path: WEBSITE, expect: "2xx", body: withRobots("none", () => ({ file: { type: "url", url: "{{ORIGIN}}/site/page" }, schema: TOTAL })) },

    // Document generation
    { name: "document generation: 200 lists × 5,000 empty items → DOCX", path: DOCUMENT, expect: "400", body: () => document("docx", listItems(200, 5000)) },
    { name: "document generation: 200 lists × 5,000 empty items → PDF", path: DOCUMENT, expect: "400", body: () => document("pdf", listItems(200, 5000)) },
    { name: "document generation: 5 paragraphs of 99,800 line breaks → PDF", path: DOCUMENT, expect: "400", body: () => document("pdf", Array.from({ length: 5 }, () => ({ type: "paragraph", runs: [{ text: "\n".repeat(99_800) }] }))) },
    { name: "document generation: 5,000 page breaks → PPTX", path: DOCUMENT, expect: "400", body: () => document("pptx", Array.from({ length: 5000 }, () => ({ type: "page-break" }))) },
    { name: "document generation: a blockquote nested 49,000 deep → PDF", path: DOCUMENT, expect: "400", body: () => document("pdf", [{ type: "paragraph", markdown: `${"> ".repeat(49_000)}deep` }]) },
    { name: "document generation: real markdown (the corpus's testMARKDOWN.md, this README's first 90,000 characters) → PDF", path: DOCUMENT, expect: "2xx", body: () => {
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const markdownOf = (text) => ({ type: "paragraph", markdown: text });
      return document("pdf", [markdownOf(readFileSync(join(ROOT, "../shared/corpus/documents/md/testMARKDOWN.md"), "utf8")), markdownOf(readme.slice(0, readme.lastIndexOf("\n", 90_000)))]);
    } },
    { name: "document generation: a table of 20,000 cells → DOCX", path: DOCUMENT, expect: "400", body: () => document("docx", [{ type: "table", rows: Array.from({ length: 2000 }, () => ({ cells: Array.from({ length: 10 }, (_, c) => ({ text: `cell ${c}` })) })) }]) },
    ...["pdf", "docx", "pptx", "epub"].flatMap((format) => {
      // The layout budget: 10,000 units, 5,000 for DOCX (schema.ts).
      const units = format === "docx" ? 5_000 : 10_000;
      const items = Math.floor((units - 2) / 2);
      return [
        { name: `document generation: the budget's edge, 2 lists × ${items} items → ${format.toUpperCase()}`, path: DOCUMENT, expect: "2xx", body: () => document(format, Array.from({ length: 2 }, () => ({ type: "list", items: Array.from({ length: items }, (_, i) => ({ text: `item ${i}` })) }))) },
        { name: `document generation: a table of ${units - 10} cells → ${format.toUpperCase()}`, path: DOCUMENT, expect: "2xx", body: () => document(format, [{ type: "table", rows: Array.from({ length: units / 10 - 1 }, (_, r) => ({ cells: Array.from({ length: 10 }, (_, c) => ({ text: `r${r} c${c}` })) })) }]) },
        { name: `document generation: 4,990 paragraphs of 100 characters → ${format.toUpperCase()}`, path: DOCUMENT, expect: "2xx", body: () => document(format, paragraphs(4_990, 100)) },
        { name: `document generation: ${Math.floor(units / 22)} page breaks → ${format.toUpperCase()}`, path: DOCUMENT, expect: "2xx", body: () => document(format, Array.from({ length: 2 * Math.floor(units / 22) }, (_, i) => (i % 2 ? { type: "page-break" } : { type: "headline", level: "h2", text: `Part ${i / 2}` }))) },
      ];
    }),

    // Sheet generation
    { name: "sheet generation: Markdown of 250 cells × 32,767 line breaks", path: SHEET, expect: "400", body: () => ({ format: "markdown", sheets: [{ columns: [{ name: "a" }], rows: Array.from({ length: 250 }, () => ["\n".repeat(32_767)]) }] }) },
    { name: "sheet generation: 2,000 formulas of 8,000 characters", path: SHEET, expect: "400", body: () => ({ format: "xlsx", sheets: [{ columns: [{ name: "f" }], rows: Array.from({ length: 2_000 }, () => [`=1${"+1".repeat(3_999)}`]) }] }) },
    { name: "sheet generation: 62 formulas of 4,000 terms (half the terms budget)", path: SHEET, expect: "2xx", body: () => ({ format: "xlsx", sheets: [{ columns: [{ name: "f" }], rows: Array.from({ length: 62 }, () => [`=1${"+1".repeat(3_999)}`]) }] }) },
    { name: "sheet generation: Markdown, 4 MiB of text (the text budget)", path: SHEET, expect: "2xx", body: () => ({ format: "markdown", sheets: [{ columns: [{ name: "a" }, { name: "b" }], rows: Array.from({ length: 20_000 }, (_, i) => [`row ${i} ${"text ".repeat(20)}`, `line one\nline two ${"more ".repeat(10)}`]) }] }) },
    { name: "sheet generation: 200,000 cells written as objects → XLSX (near the JSON container budget)", path: SHEET, expect: "2xx", body: () => ({ format: "xlsx", sheets: [{ columns: Array.from({ length: 10 }, (_, c) => ({ name: `c${c}` })), rows: Array.from({ length: 20_000 }, (_, r) => Array.from({ length: 10 }, (_, c) => ({ value: r * 10 + c, format: "number" }))) }] }) },
    { name: "sheet generation: 200,000 cells → XLSX", path: SHEET, expect: "2xx", body: () => ({ format: "xlsx", sheets: [{ columns: Array.from({ length: 10 }, (_, c) => ({ name: `c${c}` })), rows: Array.from({ length: 20_000 }, (_, r) => Array.from({ length: 10 }, (_, c) => (c % 2 ? r * c : `text ${r}`))) }] }) },
    { name: "sheet generation: 100,000 SUM formulas of 20 cells → XLSX", path: SHEET, expect: "2xx", body: () => ({ format: "xlsx", sheets: [{ columns: [{ name: "n" }, { name: "sum" }], rows: Array.from({ length: 100_000 }, (_, i) => [i, i < 20 ? i : `=SUM(A${i - 18}:A${i + 1})`]) }] }) },
  ];
}
