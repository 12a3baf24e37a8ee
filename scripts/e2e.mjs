// `npm run test:e2e`: the async path for real. Starts `wrangler dev` with its own local state and an HTTPS
// webhook receiver on localhost (scripts/lib/stack.mjs), sends the README's seed request with a webhook_url,
// and checks the delivered payload and its signature; then every image decoder (sharp's files, the HEIC fixture, an
// SVG, and the corpus's real photos when it is beside the project); then document extraction of one corpus document per
// format (PDF, DOCX, HTML, text, CSV, Markdown) in sync mode, scored against the corpus's expected values, and one
// in async mode through the webhook; then website extraction of pages the receiver serves as a test site (through
// the DEV_HOSTS exemption): JSON-LD and Open Graph, a redirect, robots.txt, a header-gated page, and async by
// webhook; then document generation: a report as PDF (its page rendered by pdftoppm, the QR code decoded), EPUB
// (checked by epubcheck: no errors), and DOCX and PPTX opened by LibreOffice (converted to PDF); then sheet
// generation: an XLSX read back by openpyxl (types, number formats, fonts, fills, widths, merges, formulas) and
// opened by LibreOffice Calc (saved as CSV as shown: the separators, currencies and dates a person sees, and a
// formula Lamina left to the reader computed), and a CSV; then the platform: rate-limit headers and a 429 from the
// Durable Object limiter, a result delivered by signed link (downloaded by the receiver without a key) with the
// webhook auth header on the delivery; then the /docs reference in headless Chromium (Debian's, driven by
// playwright-core): no console errors, no request leaves localhost, the seven API paths listed, and a screenshot
// in gallery/api-reference.png. Bounded in time; stops every process it started.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { decode } from "fast-png";
import { Webhook } from "standardwebhooks";
import { scoreDocument } from "../bench/extraction-score.mjs";
import { API_PATHS as PATHS, ROOT, runChecks, SEED_REQUEST, waitFor } from "./lib/stack.mjs";

const CORPUS_DIR = new URL("../test/fixtures/extraction/", import.meta.url);
const corpus = JSON.parse(readFileSync(new URL("corpus.json", CORPUS_DIR), "utf8"));

const DEADLINE_MS = 240_000;
const CHROMIUM = "/usr/bin/chromium";
const API_PATHS = Object.values(PATHS);
const started = Date.now();

function step(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
  step(`ok: ${message}`);
}

async function main(stack) {
  const { base, receiver } = stack;
  const { apiKey } = await stack.createAccount(20, "e2e");
  const auth = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" };
  const secret = (await fetch(`${base}/v1/webhook-secret`, { headers: auth }).then((res) => res.json())).data.secret;

  const accepted = await fetch(`${base}/image-generation/v1/generate`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ ...SEED_REQUEST, webhook_url: receiver.url("/hook") }),
  });
  const acceptedBody = await accepted.json();
  check(accepted.status === 201, `201 Accepted (got ${accepted.status} ${JSON.stringify(acceptedBody)})`);
  check(
    acceptedBody.async === true &&
      acceptedBody.message === "Request accepted. Results will be delivered to the provided webhook URL.",
    "async body",
  );
  const jobId = acceptedBody.job_id;

  const delivery = await waitFor("the webhook", async () => receiver.deliveries[0], 60_000);
  step("webhook received");
  check(delivery.path === "/hook" && delivery.headers["webhook-id"] === jobId, "webhook-id is the job id");
  const payload = new Webhook(secret).verify(delivery.body, {
    "webhook-id": delivery.headers["webhook-id"],
    "webhook-timestamp": delivery.headers["webhook-timestamp"],
    "webhook-signature": delivery.headers["webhook-signature"],
  });
  step("ok: signature verifies with the account's whsec_ secret");
  check(payload.success === true && payload.api === "image_generation" && payload.job_id === jobId, "success payload");
  const png = decode(Buffer.from(payload.data.buffer, "base64"));
  check(payload.data.mime_type === "image/png" && png.width === 800 && png.height === 600, "an 800x600 PNG");
  check(png.data.every((byte) => byte === 255), "every pixel white and opaque");

  const job = await waitFor(
    "delivered status",
    async () => {
      const body = await fetch(`${base}/v1/jobs/${jobId}`, { headers: auth }).then((res) => res.json());
      return body.data.delivery_status === "delivered" ? body.data : undefined;
    },
    15_000,
  );
  check(job.status === "succeeded" && job.attempts.length === 1 && job.attempts[0].status_code === 200, "job status");
  const me = await fetch(`${base}/v1/me`, { headers: auth }).then((res) => res.json());
  check(me.data.credits === 18, "2 credits charged");

  await imageDecoders(stack);
  await extraction(stack, auth, secret);
  await websiteExtraction(stack, auth, secret);
  const { apiKey: documentsKey } = await stack.createAccount(20, "e2e-documents");
  await documentGeneration(stack, { ...auth, Authorization: `Bearer ${documentsKey}` });
  await sheetGeneration(stack, { ...auth, Authorization: `Bearer ${documentsKey}` });
  await platform(stack, auth, secret);
  await apiReference(stack);
}

/** The corpus of real files beside the project (`../shared/corpus`, as CI has it). */
const IMAGES_DIR = join(ROOT, "../shared/corpus/images");
const CORPUS_DECODED = [
  ["png/testPNG.png", 100, 75],
  ["jpeg/Canon_40D.jpg", 100, 68],
  ["webp/testWEBP.webp", 150, 150],
  ["gif/testGIF.gif", 100, 75],
  ["avif/kimono.avif", 722, 1024],
];
const CORPUS_REFUSED = [
  ["heic/IMG_1034.heic", "the image is 4032 × 3024 pixels; at most 4194304 pixels are decoded"],
  ["jpeg/craft-beer.jpg", "the image is 6000 × 4000 pixels; at most 4194304 pixels are decoded"],
  ["jxl/8bit-sRGB.jxl", "JPEG XL is not an image format read here (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)"],
  ["tiff/testTIFF.tif", "TIFF is not an image format read here (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)"],
  ["bmp/testBMP.bmp", "BMP is not an image format read here (PNG, JPEG, WebP, GIF, AVIF, HEIF or SVG expected)"],
];

/** One picture written by sharp (libvips) in every format it writes, 48 × 32: files a real library made. */
async function sharpImages() {
  const { default: sharp } = await import("sharp");
  const picture = () => sharp({ create: { width: 48, height: 32, channels: 3, background: "#3366ff" } });
  return [
    ["sharp.png", await picture().png().toBuffer(), 48, 32],
    ["sharp.jpg", await picture().jpeg().toBuffer(), 48, 32],
    ["sharp.webp", await picture().webp().toBuffer(), 48, 32],
    ["sharp.gif", await picture().gif().toBuffer(), 48, 32],
    ["sharp.avif", await picture().avif().toBuffer(), 48, 32],
  ];
}

/**
 * Every image decoder through the bundle `wrangler dev` builds (a unit test in the vitest pool does not prove it:
 * libheif once failed only here): sharp's files in each format, the HEIC fixture and an SVG converted to PNG and
 * their sizes read back; then the corpus's real files, when it is beside the project: decoded, or refused with a
 * 422 naming the format or the size, and refunded.
 */
async function imageDecoders({ base, createAccount }) {
  const { apiKey } = await createAccount(100, "e2e-images");
  const headers = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" };
  const convert = async (bytes) => {
    const res = await fetch(`${base}/image-transformation/v1/transform`, {
      method: "POST",
      headers,
      body: JSON.stringify({ file: { type: "base64", base64: Buffer.from(bytes).toString("base64") }, operations: [{ type: "convert", format: "png" }] }),
    });
    return { status: res.status, body: await res.json() };
  };
  const heic = readFileSync(join(ROOT, "test/fixtures/image-transformation/tiles.heic"));
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="#36f"/></svg>');
  const decoded = [...(await sharpImages()), ["tiles.heic", heic, 32, 16], ["inline.svg", svg, 40, 30]];
  const corpus = existsSync(IMAGES_DIR);
  if (corpus) decoded.push(...CORPUS_DECODED.map(([path, width, height]) => [path, readFileSync(join(IMAGES_DIR, path)), width, height]));
  else step(`the corpus is not beside the project (${IMAGES_DIR}): only sharp's files and the fixtures are decoded`);
  for (const [name, bytes, width, height] of decoded) {
    const { status, body } = await convert(bytes);
    check(status === 200, `${name} decoded (got ${status} ${JSON.stringify(body).slice(0, 200)})`);
    const png = decode(Buffer.from(body.data.buffer, "base64"));
    check(png.width === width && png.height === height, `${name} is ${width} × ${height} (got ${png.width} × ${png.height})`);
  }
  if (!corpus) return;
  const before = (await fetch(`${base}/v1/me`, { headers }).then((res) => res.json())).data.credits;
  for (const [path, message] of CORPUS_REFUSED) {
    const { status, body } = await convert(readFileSync(join(IMAGES_DIR, path)));
    check(status === 422 && body.error === `file: ${message}`, `${path} refused: ${status} ${body.error}`);
  }
  const after = (await fetch(`${base}/v1/me`, { headers }).then((res) => res.json())).data.credits;
  check(after === before, `the refused images were refunded (${before} → ${after} credits)`);
}

async function admin({ base, adminToken }, method, path, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Rate limits, a result by signed link, and the webhook auth header, through wrangler dev's Durable Object and queues. */
async function platform(stack, auth, secret) {
  const { base, receiver } = stack;
  const me = await fetch(`${base}/v1/me`, { headers: auth });
  await me.body.cancel();
  check(me.headers.get("x-ratelimit-limit") === "100" && Number(me.headers.get("x-ratelimit-remaining")) < 100, "rate limit: the default 100 a minute, with its headers");
  const { accountId, apiKey } = await stack.createAccount(10, "e2e-limited");
  check((await admin(stack, "PATCH", `/admin/v1/accounts/${accountId}`, { rate_limit_per_minute: 2 })).status === 200, "rate limit: set to 2 through the admin API");
  const limitedAuth = { Authorization: `Bearer ${apiKey}` };
  const statuses = [];
  let refused;
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${base}/v1/me`, { headers: limitedAuth });
    statuses.push(res.status);
    refused = res;
    await res.body.cancel();
  }
  const retryAfter = Number(refused.headers.get("retry-after"));
  check(statuses.join() === "200,200,429" && retryAfter >= 1 && retryAfter <= 60, `rate limit: 200, 200, then 429 with Retry-After ${retryAfter}`);

  const accepted = await fetch(`${base}/image-generation/v1/generate`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({
      ...SEED_REQUEST,
      webhook_url: receiver.url("/by-link"),
      result_delivery: "url",
      webhook_auth_header_name: "Authorization",
      webhook_auth_header_value: "Bearer e2e-receiver-token",
    }),
  }).then((res) => res.json());
  const delivery = await waitFor("the delivery by link", async () => receiver.deliveries.find((d) => d.path === "/by-link"), 60_000);
  check(delivery.headers.authorization === "Bearer e2e-receiver-token", "webhook auth header: on the delivery");
  const payload = new Webhook(secret).verify(delivery.body, {
    "webhook-id": delivery.headers["webhook-id"],
    "webhook-timestamp": delivery.headers["webhook-timestamp"],
    "webhook-signature": delivery.headers["webhook-signature"],
  });
  check(payload.job_id === accepted.job_id && payload.data.buffer === undefined && payload.data.mime_type === "image/png", "result by link: no base64 in the signed payload");
  const download = await fetch(payload.data.url);
  const png = decode(new Uint8Array(await download.arrayBuffer()));
  check(download.status === 200 && png.width === 800 && Number(download.headers.get("content-length")) === payload.data.size_bytes, "result by link: downloaded without a key, the 800x600 PNG");
  const tampered = await fetch(payload.data.url.replace(/expires=\d+/, (m) => `${m}9`));
  await tampered.body.cancel();
  check(tampered.status === 403, "result by link: an altered link is refused (403)");
  const shown = await fetch(`${base}/v1/jobs/${accepted.job_id}`, { headers: auth }).then((res) => res.json());
  check(JSON.stringify(shown.data.webhook_auth_header) === '{"name":"Authorization","value":"****oken","retained":true}', "webhook auth header: masked by the jobs API");
}

/** /docs in a real browser: it must render from this deployment alone. */
async function apiReference({ base }) {
  if (!existsSync(CHROMIUM)) throw new Error("chromium is not installed (Debian chromium; .ci/run installs it)");
  const { chromium } = await import("playwright-core");
  // Playwright gives the browser a fresh profile of its own; the flags keep Chromium off the (closed) network.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems = [];
    const origin = new URL(base).origin;
    page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    // Anything but this deployment is refused and counted: the page must need nothing from a CDN.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      problems.push(`outside request: ${url}`);
      return route.abort();
    });
    const response = await page.goto(`${base}/docs`, { waitUntil: "load" });
    check(response.status() === 200, "/docs: 200");
    // The viewer renders sections as they scroll into view: read the page the way a person would, to the end.
    const seen = new Set();
    for (let i = 0; i < 200 && seen.size < API_PATHS.length; i++) {
      const text = await page.evaluate(() => document.body.innerText);
      for (const path of API_PATHS) if (text.includes(path)) seen.add(path);
      await page.mouse.wheel(0, 1500);
      await page.waitForTimeout(100);
    }
    await page.waitForLoadState("networkidle");
    check(seen.size === API_PATHS.length, `/docs: lists the seven API paths${seen.size < API_PATHS.length ? ` (missing ${API_PATHS.filter((path) => !seen.has(path)).join(", ")})` : ""}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    check(problems.length === 0, `/docs: no console errors and no request outside this deployment${problems.length ? ` (${problems.join("; ")})` : ""}`);
    const screenshot = process.env.E2E_SCREENSHOT ?? join(ROOT, "gallery", "api-reference.png");
    mkdirSync(join(screenshot, ".."), { recursive: true });
    await page.screenshot({ path: screenshot });
    step(`ok: /docs screenshot written to ${screenshot}`);
  } finally {
    await browser.close();
  }
}

const REPORT = {
  metadata: { title: "E2E report", author: "Lamina" },
  footer: [{ type: "page-number", text_alignment: "center" }],
  content: [
    { type: "table-of-contents" },
    { type: "headline", level: "h1", text: "Findings" },
    { type: "paragraph", markdown: "The river was **high**; see [the map](https://example.com/map)." },
    { type: "table", header: { cells: [{ text: "Site" }, { text: "Depth" }] }, rows: [{ cells: [{ text: "North" }, { text: "1.2 m" }] }, { cells: [{ text: "Total 1.2 m", column_span: 2 }] }] },
    { type: "list", variant: "ordered", items: [{ text: "Repair", children: [{ text: "the bridge" }] }] },
    { type: "qr-code", value: "https://lamina.example/e2e", width_in_pt: 144, height_in_pt: 144 },
    { type: "page-break" },
    { type: "headline", level: "h2", text: "Appendix" },
    { type: "paragraph", runs: [{ text: "The end." }] },
  ],
};

/** Runs a Debian tool if it is installed (.ci/run installs them); returns its output, or null when it is not there. */
function tool(command, args, options = {}) {
  try {
    return execFileSync(command, args, { stdio: "pipe", timeout: 120_000, ...options }).toString();
  } catch (err) {
    if (err.code === "ENOENT") return null;
    throw new Error(`${command} failed: ${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? err.message}`);
  }
}

async function documentGeneration({ base }, auth) {
  const dir = mkdtempSync(join(tmpdir(), "lamina-e2e-docs-"));
  try {
    const files = {};
    for (const format of ["pdf", "epub", "docx", "pptx"]) {
      const response = await fetch(`${base}/document-generation/v1/generate`, { method: "POST", headers: auth, body: JSON.stringify({ format, document: REPORT }) });
      const body = await response.json();
      check(response.status === 200, `document generation, ${format}: 200${response.status === 200 ? "" : ` (got ${response.status} ${JSON.stringify(body).slice(0, 300)})`}`);
      files[format] = join(dir, `report.${format}`);
      writeFileSync(files[format], Buffer.from(body.data.buffer, "base64"));
    }
    const rendered = tool("pdftoppm", ["-png", "-r", "100", "-f", "1", "-l", "1", files.pdf, join(dir, "page")]);
    if (rendered === null) throw new Error("pdftoppm is not installed (Debian poppler-utils; .ci/run installs it)");
    const page = decode(readFileSync(join(dir, "page-1.png")));
    const rgba = new Uint8ClampedArray(page.width * page.height * 4);
    for (let i = 0; i < page.width * page.height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = page.data[i * page.channels + c];
      rgba[i * 4 + 3] = 255;
    }
    check(jsQR(rgba, page.width, page.height)?.data === "https://lamina.example/e2e", "the PDF's QR code, rendered by pdftoppm, scans");
    const epubcheck = tool("java", ["-jar", "/usr/share/java/epubcheck.jar", files.epub]);
    if (epubcheck === null) throw new Error("java is not installed (Debian epubcheck; .ci/run installs it)");
    check(/No errors or warnings detected/.test(epubcheck), "epubcheck: no errors or warnings");
    for (const format of ["docx", "pptx"]) {
      const out = join(dir, "office", format);
      const office = tool("soffice", ["--headless", "--norestore", `-env:UserInstallation=file://${join(dir, "profile")}`, "--convert-to", "pdf", "--outdir", out, files[format]]);
      if (office === null) throw new Error("soffice is not installed (Debian libreoffice-writer-nogui and -impress-nogui; .ci/run installs them)");
      const text = tool("pdftotext", [join(out, "report.pdf"), "-"]) ?? "";
      check(/Findings/.test(text) && /Total 1\.2 m/.test(text) && /Appendix/.test(text), `LibreOffice opens the ${format.toUpperCase()} (its text read back from the PDF it made)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SHEET = {
  styles: { header: { font_family: "Helvetica", is_bold: true, background_color: "#0D47A1", font_color: "#FFFFFF" }, body: { font_family: "Helvetica" } },
  sheets: [
    {
      name: "Statement",
      columns: [{ name: "Date", width: 14 }, { name: "Description", width: 30 }, { name: "Amount", width: 16 }, { name: "Paid" }],
      rows: [
        [{ value: "CloudMetrics — Statement", from_col: 0, to_col: 3, styles: { is_bold: true, font_size_in_pt: 14 } }],
        [{ value: "2026-03-01", format: "date" }, "Subscription, monthly", { value: 1234567.5, format: "currency", currency_code: "EUR", number_style: "period_comma" }, true],
        [{ value: "2026-03-15", format: "date", date_style: "dd.mm.yyyy" }, 'Overage "API"', { value: 26, format: "currency", currency_code: "EUR", number_style: "period_comma" }, false],
        [null, "Total", { value: "=SUM(C3:C4)", format: "currency", currency_code: "EUR", number_style: "period_comma" }, "=COUNT(C3:C4)"],
        [null, "Largest (by the reader)", "=INDEX(C3:C4,MATCH(MAX(C3:C4),C3:C4,0))", null],
      ],
    },
  ],
};

/** What openpyxl reads of the XLSX, as JSON. */
const OPENPYXL = `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
cell = lambda ref: ws[ref]
print(json.dumps({
  "title": ws.title, "merged": [str(r) for r in ws.merged_cells.ranges], "freeze": ws.freeze_panes,
  "widths": [ws.column_dimensions[c].width for c in "ABCD"],
  "header_font": [cell("A1").font.name, cell("A1").font.b, cell("A1").font.color.rgb], "header_fill": cell("A1").fill.fgColor.rgb,
  "title_font": [cell("A2").value, cell("A2").font.b, cell("A2").font.sz],
  "date": [str(cell("A3").value), cell("A3").number_format], "date_style": cell("A4").number_format,
  "amount": [cell("C3").value, cell("C3").number_format], "paid": [cell("D3").value, cell("D4").value],
  "formulas": [cell("C5").value, cell("D5").value, cell("C6").value],
}))
`;

async function sheetGeneration({ base }, auth) {
  const dir = mkdtempSync(join(tmpdir(), "lamina-e2e-sheets-"));
  try {
    const response = await fetch(`${base}/sheet-generation/v1/generate`, { method: "POST", headers: auth, body: JSON.stringify({ format: "xlsx", ...SHEET }) });
    const body = await response.json();
    check(response.status === 200, `sheet generation, xlsx: 200${response.status === 200 ? "" : ` (got ${response.status} ${JSON.stringify(body).slice(0, 300)})`}`);
    const file = join(dir, "statement.xlsx");
    writeFileSync(file, Buffer.from(body.data.buffer, "base64"));
    const read = tool("/usr/bin/python3", ["-c", OPENPYXL, file]);
    if (read === null) throw new Error("python3 is not installed (Debian python3-openpyxl; .ci/run installs it)");
    const got = JSON.parse(read);
    check(got.title === "Statement" && got.merged.join() === "A2:D2" && got.freeze === "A2", "openpyxl: the sheet, its merge and the frozen header");
    check(JSON.stringify(got.widths.slice(0, 3)) === "[14,30,16]" && got.widths[3] > 5, "openpyxl: the column widths");
    check(JSON.stringify(got.header_font) === '["Helvetica",true,"FFFFFFFF"]' && got.header_fill === "FF0D47A1", "openpyxl: the header's font, colour and fill");
    check(JSON.stringify(got.title_font) === '["CloudMetrics — Statement",true,14]', "openpyxl: the merged title's text and style");
    check(got.date[0] === "2026-03-01 00:00:00" && got.date[1] === "yyyy-mm-dd" && got.date_style === "dd.mm.yyyy", "openpyxl: dates as dates, with their formats");
    check(got.amount[0] === 1234567.5 && got.amount[1] === '[$-407]#,##0.00 "€"' && JSON.stringify(got.paid) === "[true,false]", "openpyxl: the amount as a number with its currency format, booleans as booleans");
    check(JSON.stringify(got.formulas) === '["=SUM(C3:C4)","=COUNT(C3:C4)","=INDEX(C3:C4,MATCH(MAX(C3:C4),C3:C4,0))"]', "openpyxl: formulas as formulas");
    const out = join(dir, "calc");
    const office = tool("soffice", ["--headless", "--norestore", `-env:UserInstallation=file://${join(dir, "profile")}`, "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,true", "--outdir", out, file]);
    if (office === null) throw new Error("soffice is not installed (Debian libreoffice-calc-nogui; .ci/run installs it)");
    const shown = readFileSync(join(out, "statement.csv"), "utf8").split(/\r?\n/);
    check(shown[1] === "CloudMetrics — Statement,,,", "LibreOffice: the merged title");
    check(shown[2] === '2026-03-01,"Subscription, monthly","1.234.567,50 €",TRUE', "LibreOffice: the date, and the amount with period_comma separators and the euro");
    check(shown[3] === '15.03.2026,"Overage ""API""","26,00 €",FALSE', "LibreOffice: the date_style");
    check(shown[4] === ',Total,"1.234.593,50 €",2', "LibreOffice: the SUM and the COUNT");
    // LibreOffice computes it on open, and shows it in the format of the cell it found.
    check(shown[5] === ',Largest (by the reader),"1.234.567,50 €",', "LibreOffice: a formula Lamina leaves to the reader, computed on open");
    const csv = await fetch(`${base}/sheet-generation/v1/generate`, { method: "POST", headers: auth, body: JSON.stringify({ format: "csv", ...SHEET }) }).then((res) => res.json());
    const text = Buffer.from(csv.data.buffer, "base64").toString("utf8");
    check(text.split("\r\n")[4] === ",Total,1234593.5,2" && text.includes('"Overage ""API"""'), "CSV: values as written, formulas evaluated, quotes doubled");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The test site the receiver serves beside the webhooks: `/site/...` pages and its robots.txt. */
const SITE_PAGES = {
  "/robots.txt": { type: "text/plain", body: "User-agent: *\nDisallow: /site/private\n" },
  "/site/widget": {
    type: "text/html; charset=utf-8",
    body:
      "<html lang='en'><head><title>Trail Widget</title><meta property='og:title' content='Trail Widget'>" +
      "<script type='application/ld+json'>{\"@type\":\"Product\",\"name\":\"Trail Widget\",\"offers\":{\"@type\":\"Offer\",\"price\":\"49.99\",\"priceCurrency\":\"USD\"}}</script>" +
      "</head><body><nav><a href='/site/sale'>Sale: $5.00</a></nav><main><h1>Trail Widget</h1><p>Built for rough paths.</p></main></body></html>",
  },
  "/site/plans": { type: "text/html", body: "<html><body><article><h1>Basic plan</h1><p>Price: $12.00</p></article></body></html>" },
  "/site/private/report": { type: "text/html", body: "<p>secret</p>" },
};

/** Answers the test site's requests; returns false for anything else (the webhooks), which get a plain 200. */
function serveSite(delivery, req, res) {
  if (delivery.path === "/site/old") {
    res.writeHead(301, { Location: "/site/plans" }).end();
    return true;
  }
  if (delivery.path === "/site/gated") {
    const allowed = req.headers["x-preview-token"] === "s3cret";
    res.writeHead(allowed ? 200 : 403, { "Content-Type": "text/html" }).end(allowed ? "<main><p>Invoice number: INV-77</p></main>" : "forbidden");
    return true;
  }
  const page = SITE_PAGES[delivery.path];
  if (!page) return false;
  res.writeHead(200, { "Content-Type": page.type }).end(page.body);
  return true;
}

async function websiteExtraction({ base, receiver }, auth, secret) {
  const site = (path) => receiver.url(path);
  const extract = async (file, fields) => {
    const response = await fetch(`${base}/website-extraction/v1/extract`, { method: "POST", headers: auth, body: JSON.stringify({ file, schema: { fields } }) });
    return { status: response.status, body: await response.json() };
  };
  const price = [{ name: "price", type: "CURRENCY_AMOUNT", description: "Price" }];
  const widget = await extract({ type: "url", url: site("/site/widget") }, [...price, { name: "product", type: "TEXT", description: "Product name" }]);
  check(widget.status === 200, `website extraction: 200${widget.status === 200 ? "" : ` (got ${widget.status} ${JSON.stringify(widget.body).slice(0, 300)})`}`);
  check(widget.body.data.price?.value === 49.99 && widget.body.data.product?.value === "Trail Widget", "price and name from the page's JSON-LD");
  check(widget.body.metadata.open_graph?.title === "Trail Widget" && widget.body.metadata.json_ld?.[0]?.["@type"] === "Product", "Open Graph and JSON-LD in metadata");
  const moved = await extract({ type: "url", url: site("/site/old") }, price);
  check(moved.status === 200 && moved.body.data.price?.value === 12 && moved.body.metadata.final_url === site("/site/plans"), "a redirect followed to the visible price");
  const disallowed = await extract({ type: "url", url: site("/site/private/report") }, price);
  check(disallowed.status === 400 && /robots\.txt disallows/.test(disallowed.body.error), `robots.txt obeyed (got ${disallowed.status} ${disallowed.body.error})`);
  const gated = await extract({ type: "url", url: site("/site/gated"), fetch_options: { headers: { "X-Preview-Token": "s3cret" } } }, [{ name: "invoice", type: "TEXT", description: "Invoice number" }]);
  check(gated.status === 200 && gated.body.data.invoice?.value === "INV-77", "fetch_options headers open a gated page");
  const accepted = await fetch(`${base}/website-extraction/v1/extract`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ file: { type: "url", url: site("/site/widget") }, schema: { fields: price }, webhook_url: receiver.url("/website") }),
  });
  check(accepted.status === 201, `async website extraction accepted (got ${accepted.status})`);
  const delivery = await waitFor("the website webhook", async () => receiver.deliveries.find((item) => item.path === "/website"), 60_000);
  const payload = new Webhook(secret).verify(delivery.body, {
    "webhook-id": delivery.headers["webhook-id"],
    "webhook-timestamp": delivery.headers["webhook-timestamp"],
    "webhook-signature": delivery.headers["webhook-signature"],
  });
  check(payload.success === true && payload.api === "website_extraction" && payload.data.price.value === 49.99 && payload.metadata.final_url === site("/site/widget"), "signed website payload with data and metadata");
  const me = await fetch(`${base}/v1/me`, { headers: auth }).then((res) => res.json());
  check(me.data.credits === 7, `1 credit for each of the 4 pages read, the robots.txt refusal refunded (${me.data.credits} left)`);
}

function extractionBody(entry) {
  const base64 = readFileSync(new URL(`docs/${entry.file}`, CORPUS_DIR)).toString("base64");
  return { files: [{ type: "base64", name: entry.file, base64 }], schema: entry.schema };
}

async function extraction({ base, receiver }, auth, secret) {
  for (const format of ["pdf", "docx", "html", "txt", "csv", "md"]) {
    const entry = corpus.find((candidate) => candidate.format === format);
    const response = await fetch(`${base}/document-extraction/v1/extract`, { method: "POST", headers: auth, body: JSON.stringify(extractionBody(entry)) });
    const body = await response.json();
    check(response.status === 200, `extraction of ${entry.file}: 200${response.status === 200 ? "" : ` (got ${response.status} ${JSON.stringify(body)})`}`);
    const misses = scoreDocument(entry.schema.fields, entry.expected, body.data, {});
    check(misses.length === 0, `${entry.file}: every expected value${misses.length ? ` (misses: ${misses.join("; ")})` : ""}`);
  }
  const entry = corpus.find((candidate) => candidate.format === "pdf" && candidate.kind === "purchase-order");
  const accepted = await fetch(`${base}/document-extraction/v1/extract`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ ...extractionBody(entry), webhook_url: receiver.url("/extraction") }),
  });
  const acceptedBody = await accepted.json();
  check(accepted.status === 201, `async extraction accepted (got ${accepted.status})`);
  const delivery = await waitFor("the extraction webhook", async () => receiver.deliveries.find((item) => item.path === "/extraction"), 60_000);
  const payload = new Webhook(secret).verify(delivery.body, {
    "webhook-id": delivery.headers["webhook-id"],
    "webhook-timestamp": delivery.headers["webhook-timestamp"],
    "webhook-signature": delivery.headers["webhook-signature"],
  });
  check(payload.success === true && payload.api === "document_extraction" && payload.job_id === acceptedBody.job_id, "signed extraction payload");
  const misses = scoreDocument(entry.schema.fields, entry.expected, payload.data, {});
  check(misses.length === 0, `${entry.file} by webhook: every expected value${misses.length ? ` (misses: ${misses.join("; ")})` : ""}`);
  const me = await fetch(`${base}/v1/me`, { headers: auth }).then((res) => res.json());
  check(me.data.credits === 11, "1 credit per page for the 7 one-page documents");
}

await runChecks({ name: "e2e", deadlineMs: DEADLINE_MS, log: step, stackOptions: { receiverHandler: serveSite }, main });
