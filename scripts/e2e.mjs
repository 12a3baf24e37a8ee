// `npm run test:e2e`: the async path for real. Starts `wrangler dev` with its own local state and an HTTPS
// webhook receiver on localhost (scripts/lib/stack.mjs), sends the README's seed request with a webhook_url,
// and checks the delivered payload and its signature; then document extraction of one corpus document per
// format (PDF, DOCX, HTML, text, CSV, Markdown) in sync mode, scored against the corpus's expected values, and one
// in async mode through the webhook; then website extraction of pages the receiver serves as a test site (through
// the DEV_HOSTS exemption): JSON-LD and Open Graph, a redirect, robots.txt, a header-gated page, and async by
// webhook; then document generation: a report as PDF (its page rendered by pdftoppm, the QR code decoded), EPUB
// (checked by epubcheck: no errors), and DOCX and PPTX opened by LibreOffice (converted to PDF). Bounded in time;
// stops every process it started.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { decode } from "fast-png";
import { Webhook } from "standardwebhooks";
import { scoreDocument } from "../bench/extraction-score.mjs";
import { SEED_REQUEST, startStack, waitFor } from "./lib/stack.mjs";

const CORPUS_DIR = new URL("../test/fixtures/extraction/", import.meta.url);
const corpus = JSON.parse(readFileSync(new URL("corpus.json", CORPUS_DIR), "utf8"));

const DEADLINE_MS = 150_000;
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

  await extraction(stack, auth, secret);
  await websiteExtraction(stack, auth, secret);
  const { apiKey: documentsKey } = await stack.createAccount(20, "e2e-documents");
  await documentGeneration(stack, { ...auth, Authorization: `Bearer ${documentsKey}` });
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

let stack;
const watchdog = setTimeout(async () => {
  console.error(`[e2e] gave up after ${DEADLINE_MS / 1000}s`);
  await stack?.stop();
  process.exit(1);
}, DEADLINE_MS);

let exitCode = 0;
try {
  stack = await startStack({ log: step, receiverHandler: serveSite });
  await main(stack);
  step("passed");
} catch (err) {
  console.error(`[e2e] FAILED: ${err.stack ?? err}`);
  if (stack) {
    console.error(stack.logLines.slice(-40).join("\n"));
  }
  exitCode = 1;
}
clearTimeout(watchdog);
await stack?.stop();
process.exit(exitCode);
