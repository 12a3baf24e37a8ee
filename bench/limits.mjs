// `npm run bench:limits`: the largest accepted input of each kind, sent through `wrangler dev` (sync), with the peak
// memory and the time it took. Each case gets a fresh `wrangler dev`; its workerd's resident memory is sampled
// every 5 ms (and its kernel high-water mark read) while the request runs, and compared with the same process
// just before, after a small request to the same API has loaded its code. The small request's time is the
// reference: each case prints its time as a ratio to it. Writes bench/limits-results.json. Not part of `npm test`.
//   BENCH_LIMITS_ONLY=<substring> runs the cases whose name contains it.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { zipSync, strToU8 } from "fflate";
import { encode as encodePng } from "fast-png";
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { b64, MiB, noise, pdfInflatingTo } from "../scripts/lib/hostile.mjs";
import { API_PATHS, startStack } from "../scripts/lib/stack.mjs";
import { sheetRequest } from "./sheets.mjs";

// workerd's V8 heap capped as a Worker's isolate is (128 MB), so that the garbage collector works as it must there
// (uncapped, it lets the heap grow and the resident memory overstates what a request needs), and an input that
// does not fit fails here as it would at the edge. ArrayBuffers and wasm memory are outside V8's heap: the
// resident memory measured below counts them too.
const log = (message) => console.log(`[limits] ${message}`);
const TOTAL = { fields: [{ name: "total", type: "DECIMAL", description: "Total amount" }] };
const { EXTRACT, GENERATE, TRANSFORM, MARKDOWN, WEBSITE, DOCUMENT, SHEET } = API_PATHS;
const file = (name, bytes) => ({ files: [{ type: "base64", name, base64: b64(bytes) }], schema: TOTAL });

/** A PDF of `megabytes` MB: pages of text, each with an unfiltered noise image (a scan's weight, without its text). */
async function heavyPdf(megabytes) {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const perPage = 4 * MiB;
  const pages = Math.ceil((megabytes * 1e6) / perPage);
  for (let i = 0; i < pages; i++) {
    const page = document.addPage([600, 800]);
    page.drawText(`Page ${i + 1}. Invoice total: 123.45`, { x: 50, y: 700, size: 14, font });
    const side = Math.floor(Math.sqrt(perPage / 3));
    const image = document.context.stream(noise(side * side * 3, i + 1), { Type: "XObject", Subtype: "Image", Width: side, Height: side, ColorSpace: "DeviceRGB", BitsPerComponent: 8 });
    const ref = document.context.register(image);
    page.node.setXObject(PDFName.of(`Im${i}`), ref);
  }
  return document.save({ useObjectStreams: false });
}

function docxOf(xmlBytes) {
  const paragraph = '<w:p><w:r><w:t xml:space="preserve">Line item, quantity 2, unit price 61.72, amount 123.45, delivered on time as agreed.</w:t></w:r></w:p>';
  const count = Math.floor((xmlBytes - 200) / paragraph.length);
  const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraph.repeat(count)}<w:p><w:r><w:t>Total: 123.45</w:t></w:r></w:p></w:body></w:document>`;
  return zipSync({
    "[Content_Types].xml": strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
    "word/document.xml": strToU8(xml),
  });
}

const text = (lines, line) => new TextEncoder().encode(Array.from({ length: lines }, (_, i) => line(i)).join("\n"));

/** Files the receiver serves at /files/<name>, for inputs sent by URL (the body says {{RECEIVER}}). */
const served = new Map();
const byUrl = (name, bytes) => {
  served.set(name, bytes);
  return { type: "url", url: `{{RECEIVER}}/files/${name}`, name };
};
const receiverHandler = (delivery, req, res) => {
  const bytes = served.get(delivery.path.replace(/^\/files\//, ""));
  if (!bytes) return false;
  const type = delivery.path.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
  res.writeHead(200, { "Content-Type": type, "Content-Length": bytes.length }).end(Buffer.from(bytes));
  return true;
};

/** [name, path, body, reference body]: the largest input of each kind that the limits accept. */
/** The row limit with the formula budget spent: each of 100,000 rows sums the 20 cells above it (2,000,000). */
function formulaSheet() {
  const rows = Array.from({ length: 100_000 }, (_, i) => [i, i < 20 ? i : `=SUM(A${i - 18}:A${i + 1})`]);
  return { format: "xlsx", sheets: [{ columns: [{ name: "n" }, { name: "sum" }], rows }] };
}

async function cases() {
  const smallText = file("small.txt", strToU8("Total: 1.00"));
  const [width, height] = (process.env.BENCH_LIMITS_CANVAS ?? "2048x2048").split("x").map(Number);
  const canvas = { width_in_px: width, height_in_px: height };
  const smallImage = { dimensions: { width_in_px: 64, height_in_px: 32 }, layers: [{ index: 0, type: "solid-color", hex_color: "#3366FF" }] };
  const gradient = { index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: 30, colors: [{ hex_color: "#0F172A", position: 0 }, { hex_color: "#F59E0B", position: 100 }], position: { x_in_px: 0, y_in_px: 0 }, dimensions: canvas };
  const smallTransform = { file: { type: "base64", base64: b64(encodePng({ width: 8, height: 8, data: new Uint8Array(256).fill(200), channels: 4 })) }, operations: [{ type: "flop" }] };
  const noisePng = () => encodePng({ width, height, data: noise(width * height * 4), channels: 4 });
  const json = JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ({ sku: `item-${i}`, qty: i % 9, price: (i * 1.5).toFixed(2), note: "as agreed" })));
  const section = (i) => `<h2>Part ${i}</h2><p>The goods were delivered and the amount is due. <a href="/docs/${i}">Terms</a> <b>apply</b>.</p><img src="/i/${i}.jpg" alt="Photo ${i}">`;
  const page = (bytes) => {
    const head = `<!doctype html><html><head><title>Big page</title><script type="application/ld+json">{"@type":"Product","name":"Widget","offers":{"price":"49.99"}}</script></head><body><main>`;
    let body = "";
    for (let i = 0; head.length + body.length < bytes - 200; i++) body += section(i);
    return strToU8(`${head}${body}<p>Total: 123.45</p></main></body></html>`);
  };
  const smallPage = () => ({ file: byUrl("small.html", page(2048)), schema: TOTAL });
  const prose = (count, length) => Array.from({ length: count }, (_, i) => ({ type: "paragraph", runs: [{ text: `${i}: ${"the survey team walked the northern ridge and recorded the path ".repeat(4)}`.slice(0, length) }] }));
  const bigDocument = (format) => ({ format, document: { metadata: { title: "Limits" }, footer: [{ type: "page-number" }], content: [{ type: "table-of-contents" }, { type: "headline", level: "h1", text: "All" }, ...prose(4990, 100)] } });
  const smallDocument = { format: "pdf", document: { metadata: { title: "Small" }, content: [{ type: "paragraph", runs: [{ text: "Hello" }] }] } };
  return [
    ["sheet generation, 20,000 rows × 10 columns, 200,000 cells → XLSX (the cell limit)", SHEET, () => sheetRequest("xlsx", 20_000), sheetRequest("xlsx", 10)],
    ["sheet generation, 20,000 rows × 10 columns, 200,000 cells → CSV", SHEET, () => sheetRequest("csv", 20_000), sheetRequest("csv", 10)],
    ["sheet generation, 100,000 rows × 2 columns, 100,000 SUM formulas over 20 cells (the formula budget) → XLSX", SHEET, () => formulaSheet(), sheetRequest("xlsx", 10)],
    ["document generation, 4,990 paragraphs, 499,000 characters → PDF (the block and text limits)", DOCUMENT, () => bigDocument("pdf"), smallDocument],
    ["document generation, 4,990 paragraphs, 499,000 characters → DOCX", DOCUMENT, () => bigDocument("docx"), smallDocument],
    ["document generation, 4,990 paragraphs, 499,000 characters → PPTX", DOCUMENT, () => bigDocument("pptx"), smallDocument],
    ["website extraction, a 5 MiB page by URL (the text limit)", WEBSITE, () => ({ file: byUrl("big.html", page(5 * MiB - 1024)), schema: TOTAL }), smallPage()],
    ["document to markdown, DOCX document.xml 7.9 MiB (the part limit)", MARKDOWN, () => ({ file: { type: "base64", name: "big.docx", base64: b64(docxOf(7.9 * MiB)) } }), { file: { type: "base64", name: "small.txt", base64: b64(strToU8("Total: 1.00")) } }],
    ["text file, 5 MiB (the text limit)", EXTRACT, () => file("big.txt", text(65_000, (i) => `Line ${i}: the goods were delivered and the amount of 123.45 is due.`.padEnd(80, ".")).subarray(0, 5 * MiB)), smallText],
    ["CSV, 199,000 cells (the cell limit)", EXTRACT, () => file("rows.csv", text(39_800, (i) => `item ${i},${i},${(i * 1.5).toFixed(2)},note ${i},x`)), smallText],
    [`JSON, ${(json.length / MiB).toFixed(1)} MiB, 160,000 values`, EXTRACT, () => file("rows.json", strToU8(json)), smallText],
    ["DOCX, document.xml 7.9 MiB (the part limit)", EXTRACT, () => file("big.docx", docxOf(7.9 * MiB)), smallText],
    ["PDF, streams inflating to 7.9 MiB (the stream limit)", EXTRACT, async () => file("inflating.pdf", await pdfInflatingTo(7.9 * MiB)), smallText],
    ["PDF, 12 MB as base64 (the body limit, 16 MiB)", EXTRACT, async () => file("heavy.pdf", await heavyPdf(12)), smallText],
    ["PDF, 20 MB by URL (the file limit)", EXTRACT, async () => ({ files: [byUrl("heavy.pdf", await heavyPdf(20))], schema: TOTAL }), smallText],
    [`image generation, ${width}×${height} canvas + a ${width}×${height} noise PNG by URL → PNG`, GENERATE, () => ({ dimensions: canvas, layers: [{ index: 0, type: "image", file: byUrl("noise.png", noisePng()) }] }), smallImage],
    [`image generation, ${width}×${height} solid canvas → PNG`, GENERATE, () => ({ dimensions: canvas, layers: [{ index: 0, type: "solid-color", hex_color: "#336699" }] }), smallImage],
    [`image generation, ${width}×${height} gradient → PNG`, GENERATE, () => ({ dimensions: canvas, layers: [gradient] }), smallImage],
    [`image generation, ${width}×${height} gradient → AVIF`, GENERATE, () => ({ dimensions: canvas, layers: [gradient], output_format: "avif" }), smallImage],
    [`image transformation, a ${width}×${height} noise PNG by URL → resize to half → sharpen 1 → WebP 80`, TRANSFORM, () => ({ file: byUrl("noise-t.png", noisePng()), operations: [{ type: "resize", width_in_px: width >> 1, height_in_px: height >> 1, fit: "fill" }, { type: "sharpen", sigma: 1 }, { type: "convert", format: "webp", quality: 80 }] }), smallTransform],
    [`image transformation, a ${width}×${height} noise PNG by URL → blur 20 → rotate 90 → AVIF`, TRANSFORM, () => ({ file: byUrl("noise-u.png", noisePng()), operations: [{ type: "blur", sigma: 20 }, { type: "rotate", angle_in_degrees: 90 }, { type: "convert", format: "avif" }] }), smallTransform],
    ["image generation, 10,000 characters auto-scaled", GENERATE, () => ({ dimensions: { width_in_px: 1200, height_in_px: 800 }, layers: [{ index: 0, type: "text", text: "lorem ipsum ".repeat(834).slice(0, 10_000), font_name: "Inter", font_size_in_px: 200, text_color: "#000000", should_auto_scale: true, dimensions: { width_in_px: 1200, height_in_px: 800 } }] }), smallImage],
  ];
}

/** The workerd processes of a `wrangler dev` process group (wrangler runs two: the Worker's and its proxy's). */
function workerdPids(groupId) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (stat.includes("(workerd)") && Number(fields[2]) === groupId) pids.push(Number(entry));
    } catch {}
  }
  if (pids.length === 0) throw new Error("no workerd process found");
  return pids;
}

const statusKib = (pid, key) => {
  try {
    return readStatusKib(pid, key);
  } catch {
    return 0; // the process is gone: the isolate ran out of memory and workerd died
  }
};
const readStatusKib = (pid, key) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`${key}:\\s+(\\d+)`))[1]);

async function timed(stack, apiKey, path, body) {
  const started = performance.now();
  try {
    const res = await fetch(`${stack.base}${path}`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" }, body });
    const answer = await res.text();
    return { status: res.status, ms: performance.now() - started, answer };
  } catch (err) {
    return { status: 0, ms: performance.now() - started, answer: JSON.stringify({ error: `no answer (${err.cause?.code ?? err.message}): the isolate died` }) };
  }
}

/** One request of `body` (after two of `reference`) on a fresh `wrangler dev` whose V8 heap is capped at `heapMib`. */
async function measure(path, body, reference, heapMib) {
  let stack;
  try {
    stack = await startStack({ log: () => {}, receiverHandler, processEnv: { MINIFLARE_WORKERD_V8_FLAGS: `--max-heap-size=${heapMib}` } });
  } catch {
    return { ok: false, status: "the Worker did not start" };
  }
  try {
    const { apiKey } = await stack.createAccount(1_000_000, "limits", { rateLimitPerMinute: 0 });
    log("the account's rate limit: unlimited (0), so the limiter never holds a case back");
    const pids = workerdPids(stack.pid);
    const referenceBody = JSON.stringify(reference).replaceAll("{{RECEIVER}}", stack.receiver.url("").replace(/\/$/, ""));
    await timed(stack, apiKey, path, referenceBody);
    const ref = await timed(stack, apiKey, path, referenceBody);
    await sleep(500);
    // Per process: its resident memory before, and its peak (sampled, and the kernel's high-water mark).
    const before = pids.map((pid) => statusKib(pid, "VmRSS"));
    try {
      for (const pid of pids) writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM to the current RSS
    } catch {
      return { ok: false, status: "the Worker died on the small request" };
    }
    const peaks = [...before];
    const sampler = setInterval(() => pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i], statusKib(pid, "VmRSS")))), 5);
    const run = await timed(stack, apiKey, path, body.replaceAll("{{RECEIVER}}", stack.receiver.url("").replace(/\/$/, "")));
    clearInterval(sampler);
    pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i], statusKib(pid, "VmHWM"))));
    // The Worker's process is the one that grew most; the other only passes the request through.
    const worker = peaks.map((peak, i) => peak - before[i]).reduce((best, grew, i, all) => (grew > all[best] ? i : best), 0);
    let error = "";
    try {
      error = JSON.parse(run.answer).error ?? "";
    } catch {
      error = run.answer.slice(0, 80);
    }
    return {
      ok: run.status > 0 && run.status < 500,
      status: run.status === 200 ? "200" : `${run.status} ${error}`.slice(0, 120),
      ms: Math.round(run.ms),
      reference_ms: Math.round(ref.ms),
      peak_extra_mib: Number(((peaks[worker] - before[worker]) / 1024).toFixed(1)),
      rss_before_mib: Number((before[worker] / 1024).toFixed(1)),
    };
  } finally {
    await stack.stop();
  }
}

/** The smallest V8 heap (MiB, of HEAPS) with which the request still answers: what it needs, garbage collected. */
async function smallestHeap(path, body, reference) {
  let low = 0;
  let high = HEAPS.length - 1;
  if (!(await measure(path, body, reference, HEAPS[high])).ok) return null;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await measure(path, body, reference, HEAPS[middle])).ok) high = middle;
    else low = middle + 1;
  }
  return HEAPS[low];
}
const HEAPS = [48, 56, 64, 80, 96, 112, 128, 160, 192, 256];

async function main() {
  const only = process.env.BENCH_LIMITS_ONLY;
  const results = [];
  let referenceHeap = null;
  for (const [name, path, makeBody, reference] of await cases()) {
    if (only && !name.includes(only)) continue;
    const body = JSON.stringify(await makeBody());
    const run = await measure(path, body, reference, 128);
    if (referenceHeap === null && !process.env.BENCH_LIMITS_NO_SEARCH) {
      const small = JSON.stringify(reference);
      referenceHeap = await smallestHeap(path, small, reference);
      log(`a small request needs a V8 heap of ${referenceHeap} MiB`);
    }
    const heap = process.env.BENCH_LIMITS_NO_SEARCH ? null : await smallestHeap(path, body, reference);
    const row = {
      case: name,
      body_mib: Number((body.length / MiB).toFixed(1)),
      ...run,
      ratio: Number((run.ms / run.reference_ms).toFixed(1)),
      smallest_heap_mib: heap,
    };
    delete row.ok;
    results.push(row);
    log(`${name}: ${row.status}; ${row.ms} ms (${row.ratio}× the small request's ${row.reference_ms} ms); resident peak +${row.peak_extra_mib} MiB over ${row.rss_before_mib} MiB; answers with a V8 heap of ${heap ?? "> 256"} MiB (a small request: ${referenceHeap}); body ${row.body_mib} MiB`);
  }
  console.table(results.map((row) => ({ case: row.case, status: row.status.slice(0, 30), ms: row.ms, ratio: row.ratio, "peak +MiB": row.peak_extra_mib, "heap MiB": row.smallest_heap_mib, "body MiB": row.body_mib })));
  if (!only) writeFileSync(new URL("limits-results.json", import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), small_request_heap_mib: referenceHeap, results }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
