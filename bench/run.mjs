// `npm run bench`: throughput and latency of the async path against `wrangler dev` on 127.0.0.1, bounded in
// requests and time. Prints a table and writes bench/results.json. Not part of `npm test`.
//   1. accept path (charge + job row + R2 input + queue send + 201) vs. a no-I/O baseline route, same load; and
//      the same accept path through the rate limiter (a limit it never reaches) against an unlimited account
//   2. end to end: N async jobs at fixed concurrency, 201 → webhook arrival latency and drain rate
//   3. sync path for a small image, and for document extraction of a one-page PDF invoice
//   4. image transformation chains on a 2000×1500 JPEG against sharp (bench/transform.mjs)
//   5. document to markdown of a 20-page PDF and a 50-page DOCX, website extraction of a 200 KB page, each against a
//      one-page input in the same run (bench/documents.mjs)
//   6. sheet generation of 10,000 rows × 10 columns as XLSX and CSV, against 100 rows and SheetJS in Node
//      (bench/sheets.mjs)
//   7. worker size (wrangler deploy --dry-run) and wrangler dev start-up
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { percentile, ROOT, runPool, SMALL_IMAGE, startStack, waitFor } from "../scripts/lib/stack.mjs";
import { benchDocuments, serveBenchPages } from "./documents.mjs";
import { benchSheets } from "./sheets.mjs";
import { benchTransform } from "./transform.mjs";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const E2E_JOBS = Number(process.env.BENCH_E2E_JOBS ?? 1000);
const E2E_CONCURRENCY = Number(process.env.BENCH_E2E_CONCURRENCY ?? 20);
const DEADLINE_MS = 15 * 60_000;

const log = (message) => console.log(`[bench] ${message}`);

async function cannon(options) {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    failed: non2xx,
  };
}

function workerSize() {
  const out = execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", "dist"], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: "pipe",
  }).toString();
  const match = out.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
  const startup = out.match(/Worker Startup Time: (\d+) ms/);
  return { raw_kib: match ? Number(match[1]) : null, gzip_kib: match ? Number(match[2]) : null, startup_ms: startup ? Number(startup[1]) : null };
}

async function drained(stack, expected) {
  await waitFor(
    `${expected} deliveries`,
    async () => stack.receiver.deliveries.length >= expected,
    10 * 60_000,
    200,
  );
}

async function main() {
  const results = {
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: { duration_s: DURATION_S, connections: CONNECTIONS, e2e_jobs: E2E_JOBS, e2e_concurrency: E2E_CONCURRENCY },
  };
  results.worker = workerSize();
  log(`worker ${results.worker.raw_kib} KiB raw / ${results.worker.gzip_kib} KiB gzip`);

  const stack = await startStack({ log, receiverHandler: serveBenchPages });
  try {
    results.worker.dev_ready_ms = Math.round(stack.readyMs);
    // Unlimited (rate_limit_per_minute 0): the limiter is not asked, so it measures nothing but the work. The second
    // account's limit is one no run reaches: every request of it is counted by its Durable Object.
    const { apiKey } = await stack.createAccount(1_000_000_000, "bench", { rateLimitPerMinute: 0 });
    const limited = await stack.createAccount(1_000_000_000, "bench-limited", { rateLimitPerMinute: 1_000_000 });
    log("bench accounts: rate limit unlimited (0); the limiter case: 1,000,000 a minute, never reached");
    const headers = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" };
    const asyncBody = JSON.stringify({ ...SMALL_IMAGE, webhook_url: stack.receiver.url("/accept") });

    log(`baseline GET /health, ${CONNECTIONS} connections, ${DURATION_S}s`);
    results.baseline = await cannon({ url: `${stack.base}/health` });
    log(`accept POST async image, ${CONNECTIONS} connections, ${DURATION_S}s`);
    results.accept = await cannon({ url: `${stack.base}/image-generation/v1/generate`, method: "POST", headers, body: asyncBody });
    results.accept.ratio_to_baseline = Number((results.accept.rps / results.baseline.rps).toFixed(3));
    const acceptedJobs = results.accept.requests - results.accept.failed;
    log(`waiting for the ${acceptedJobs} accepted jobs to drain`);
    const drainStart = performance.now();
    await drained(stack, acceptedJobs);
    results.accept.drain_after_load_s = Number(((performance.now() - drainStart) / 1000).toFixed(1));
    // After the drain, so that both runs share the CPU with nothing but their own jobs' processing.
    log(`accept POST async image through the rate limiter, ${CONNECTIONS} connections, ${DURATION_S}s`);
    results.accept_rate_limited = await cannon({
      url: `${stack.base}/image-generation/v1/generate`,
      method: "POST",
      headers: { ...headers, Authorization: `Bearer ${limited.apiKey}` },
      body: asyncBody,
    });
    results.accept_rate_limited.ratio_to_unlimited = Number((results.accept_rate_limited.rps / results.accept.rps).toFixed(3));
    await drained(stack, acceptedJobs + results.accept_rate_limited.requests - results.accept_rate_limited.failed);

    log(`end to end: ${E2E_JOBS} async jobs at concurrency ${E2E_CONCURRENCY}`);
    const already = stack.receiver.deliveries.length;
    const acceptedAt = new Map();
    const e2eBody = JSON.stringify({ ...SMALL_IMAGE, webhook_url: stack.receiver.url("/e2e") });
    const e2eStart = performance.now() + performance.timeOrigin;
    await runPool(
      Array.from({ length: E2E_JOBS }, () => async () => {
        const res = await fetch(`${stack.base}/image-generation/v1/generate`, { method: "POST", headers, body: e2eBody });
        const body = await res.json();
        if (res.status === 201) {
          acceptedAt.set(body.job_id, performance.now() + performance.timeOrigin);
        }
      }),
      E2E_CONCURRENCY,
    );
    const submitted = performance.now() + performance.timeOrigin;
    await drained(stack, already + acceptedAt.size);
    const arrivals = stack.receiver.deliveries.slice(already).filter((d) => acceptedAt.has(d.headers["webhook-id"]));
    const latencies = arrivals.map((d) => d.receivedAt - acceptedAt.get(d.headers["webhook-id"])).sort((a, b) => a - b);
    const lastArrival = Math.max(...arrivals.map((d) => d.receivedAt));
    results.end_to_end = {
      jobs: acceptedAt.size,
      submit_s: Number(((submitted - e2eStart) / 1000).toFixed(1)),
      latency_p50_ms: Math.round(percentile(latencies, 50)),
      latency_p95_ms: Math.round(percentile(latencies, 95)),
      latency_p99_ms: Math.round(percentile(latencies, 99)),
      total_s: Number(((lastArrival - e2eStart) / 1000).toFixed(1)),
      drain_rate_per_s: Number((arrivals.length / ((lastArrival - e2eStart) / 1000)).toFixed(1)),
    };

    log(`sync POST small image, ${CONNECTIONS} connections, ${DURATION_S}s`);
    results.sync = await cannon({ url: `${stack.base}/image-generation/v1/generate`, method: "POST", headers, body: JSON.stringify(SMALL_IMAGE) });

    const corpus = JSON.parse(readFileSync(join(ROOT, "test/fixtures/extraction/corpus.json"), "utf8"));
    const invoice = corpus.find((entry) => entry.file === "01-invoice-us.pdf");
    const extractionBody = JSON.stringify({
      files: [{ type: "base64", name: invoice.file, base64: readFileSync(join(ROOT, "test/fixtures/extraction/docs", invoice.file)).toString("base64") }],
      schema: invoice.schema,
    });
    log(`sync POST document extraction (1-page PDF invoice, 12 fields), ${CONNECTIONS} connections, ${DURATION_S}s`);
    results.sync_extraction = await cannon({ url: `${stack.base}/document-extraction/v1/extract`, method: "POST", headers, body: extractionBody });
    log("image transformation chains on a 2000×1500 JPEG, against sharp in Node");
    results.transform = await benchTransform(stack);
    log("document to markdown and website extraction, large inputs against one-page ones");
    results.documents = await benchDocuments(stack);
    log("sheet generation, 10,000 rows × 10 columns, against 100 rows and SheetJS in Node");
    results.sheets = await benchSheets(stack);
  } finally {
    await stack.stop();
  }

  writeFileSync(join(ROOT, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const rows = [
    ["baseline GET /health", `${results.baseline.rps} req/s`, `p50 ${results.baseline.p50_ms} ms`, `p99 ${results.baseline.p99_ms} ms`, `${results.baseline.failed} failed`],
    ["async accept (201)", `${results.accept.rps} req/s`, `p50 ${results.accept.p50_ms} ms`, `p99 ${results.accept.p99_ms} ms`, `ratio ${results.accept.ratio_to_baseline}, drained ${results.accept.drain_after_load_s}s after`],
    ["accept, rate limiter on", `${results.accept_rate_limited.rps} req/s`, `p50 ${results.accept_rate_limited.p50_ms} ms`, `p99 ${results.accept_rate_limited.p99_ms} ms`, `ratio ${results.accept_rate_limited.ratio_to_unlimited} to unlimited, ${results.accept_rate_limited.failed} failed`],
    ["end to end 201→webhook", `${results.end_to_end.drain_rate_per_s} deliveries/s`, `p50 ${results.end_to_end.latency_p50_ms} ms`, `p95 ${results.end_to_end.latency_p95_ms} ms / p99 ${results.end_to_end.latency_p99_ms} ms`, `${results.end_to_end.jobs} jobs in ${results.end_to_end.total_s}s`],
    ["sync small image (200)", `${results.sync.rps} req/s`, `p50 ${results.sync.p50_ms} ms`, `p99 ${results.sync.p99_ms} ms`, `${results.sync.failed} failed`],
    ["sync extraction, 1-page PDF", `${results.sync_extraction.rps} req/s`, `p50 ${results.sync_extraction.p50_ms} ms`, `p99 ${results.sync_extraction.p99_ms} ms`, `${results.sync_extraction.failed} failed`],
    ...results.transform.map((row) => [`transform: ${row.chain}`, `${row.worker_ms} ms`, `sharp ${row.sharp_ms} ms`, `ratio ${row.ratio}`, ""]),
    ...results.documents.map((row) => [row.case, `${row.ms} ms`, `1 page ${row.reference_ms} ms`, `ratio ${row.ratio}`, `${row.ms_per_page} ms a page`]),
    ...results.sheets.map((row) => [row.case, `${row.ms} ms`, `100 rows ${row.rows_100_ms} ms`, `ratio ${row.ratio_to_100_rows}`, `SheetJS in Node ${row.sheetjs_node_ms} ms (×${row.ratio_to_sheetjs})`]),
    ["worker size", `${results.worker.gzip_kib} KiB gzip`, `${results.worker.raw_kib} KiB raw`, `startup ${results.worker.startup_ms ?? "n/a"} ms`, `dev ready ${results.worker.dev_ready_ms} ms`],
  ];
  console.log(`\nLamina bench: ${results.machine.cores} cores, ${results.machine.cpu}, node ${results.machine.node}`);
  for (const row of rows) {
    console.log(`  ${row[0].padEnd(24)} ${row[1].padEnd(22)} ${row[2].padEnd(14)} ${row[3].padEnd(26)} ${row[4]}`);
  }
  console.log("\nwritten to bench/results.json");
}

const watchdog = setTimeout(() => {
  console.error("[bench] gave up after 15 minutes");
  process.exit(1);
}, DEADLINE_MS);
try {
  await main();
  clearTimeout(watchdog);
  process.exit(0);
} catch (err) {
  console.error(`[bench] FAILED: ${err.stack ?? err}`);
  clearTimeout(watchdog);
  process.exit(1);
}
