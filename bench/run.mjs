// `npm run bench`: each stage of the pipeline measured on its own, against `wrangler dev` on 127.0.0.1, bounded in
// requests and time. Prints a table and writes bench/results.json (stable keys below). Not part of `npm test`.
//   1. accept alone: the async accept (auth + charge batch + queue send → 201) against a Worker with no queue
//      consumers, so nothing else runs in that workerd, next to the no-I/O baseline `GET /health` in the same
//      workerd; and the same through the rate limiter. `accept_alone.ratio_to_baseline`,
//      `accept_alone.storage_round_trips` (counted by test/jobs/round-trips.test.ts, which this runs).
//   2. drain: a flood of async jobs, deliveries per second (`drain_per_s`) and CPU per job (workerd and wrangler's
//      proxy, from /proc).
//   3. latency at fixed offered rates, request → webhook arrival of the seed image (an upper bound on 201 →
//      webhook): 5 jobs/s (`latency_light`) and half the drain rate of this run (`latency_half`). Both below
//      capacity: no backlog should build.
//   4. processing per API (`processing.<api_id>.worker_ms`, `.reference_ms`, `.ratio`): the time inside the Worker
//      (its Server-Timing header: the API's processing, from the validated input to the result) for a
//      representative sync request through wrangler dev, the whole request beside it (`.request_ms`), and the
//      reference in Node in the same run: satori + native resvg, sharp, SheetJS, and for extraction, markdown,
//      website extraction and document generation the same code bundled for Node (bench/node-apis.mjs; the
//      website's page handed over from memory).
//   5. sync small image and sync extraction throughput; worker size and start-up.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { median, percentile, ROOT, runPool, SEED_REQUEST, SMALL_IMAGE, startStack, waitFor } from "../scripts/lib/stack.mjs";
import { benchDocuments, DOCUMENT_PAGES, serveBenchPages } from "./documents.mjs";
import { loadNodeApis } from "./node-apis.mjs";
import { benchRender } from "./render.mjs";
import { benchSheets } from "./sheets.mjs";
import { benchTransform } from "./transform.mjs";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DRAIN_JOBS = Number(process.env.BENCH_E2E_JOBS ?? 1000);
const DRAIN_CONCURRENCY = Number(process.env.BENCH_E2E_CONCURRENCY ?? 20);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 12);
const LIGHT_RATE = 5;
const DEADLINE_MS = 20 * 60_000;

const log = (message) => console.log(`[bench] ${message}`);
const round = (value, digits = 0) => (value === null || Number.isNaN(value) ? null : Number(value.toFixed(digits)));

async function cannon(options) {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The Worker's bundle size (`wrangler deploy --dry-run`) and its start-up: `wrangler check startup` profiles the
 * bundle's start-up in a local workerd (`startup_ms`: the CPU it was active; `startup_window_ms`: the profile's
 * whole window). A local figure, on this CPU, not Cloudflare's.
 */
function workerSize() {
  const wrangler = (...args) =>
    execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      stdio: "pipe",
    }).toString();
  const out = wrangler("deploy", "--dry-run", "--outdir", "dist");
  const match = out.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
  const profileDir = mkdtempSync(join(tmpdir(), "lamina-startup-"));
  let startup = null;
  let window = null;
  try {
    const check = wrangler("check", "startup", "--outfile", join(profileDir, "startup.cpuprofile"));
    startup = check.match(/Active: ([\d.]+) ms/);
    window = check.match(/Profile window: ([\d.]+) ms/);
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
  return {
    raw_kib: match ? Number(match[1]) : null,
    gzip_kib: match ? Number(match[2]) : null,
    startup_ms: startup ? Number(startup[1]) : null,
    startup_window_ms: window ? Number(window[1]) : null,
  };
}

/** The accept path's storage round trips, as test/jobs/round-trips.test.ts counts them in workerd. */
function countedRoundTrips() {
  const out = execFileSync(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "test/jobs/round-trips.test.ts"], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    stdio: "pipe",
  }).toString();
  const match = out.match(/ROUND_TRIPS (\{.*\})/);
  if (!match) throw new Error("test/jobs/round-trips.test.ts printed no ROUND_TRIPS line");
  return JSON.parse(match[1]);
}

/** CPU seconds used so far by the stack's process group (wrangler dev, its proxy and workerd). */
function groupCpuSeconds(groupId) {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the name: state, ppid, pgrp, ... utime (field 14 of the whole line), stime (15).
      if (Number(fields[2]) === groupId) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100;
}

async function drained(stack, expected) {
  await waitFor(`${expected} deliveries`, async () => stack.receiver.deliveries.length >= expected, 10 * 60_000, 100);
}

/**
 * Async seed images offered at `rate` a second for `seconds`; for each, the time from sending the request to the
 * webhook's arrival, in ms. That includes the accept itself, so it bounds 201 → webhook from above: the first
 * delivery attempt runs where processing finished, often before the client has read its 201.
 */
async function latencyAt(stack, headers, rate, seconds, path) {
  const body = JSON.stringify({ ...SEED_REQUEST, webhook_url: stack.receiver.url(path) });
  const acceptedAt = new Map();
  const count = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const sends = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const sentAt = performance.now() + performance.timeOrigin;
    sends.push(
      fetch(`${stack.base}/image-generation/v1/generate`, { method: "POST", headers, body }).then(async (res) => {
        const json = await res.json();
        if (res.status === 201) acceptedAt.set(json.job_id, sentAt);
      }),
    );
  }
  await Promise.all(sends);
  const arrivals = () => stack.receiver.deliveries.filter((d) => d.path === path && acceptedAt.has(d.headers["webhook-id"]));
  await waitFor(`${acceptedAt.size} deliveries at ${rate}/s`, async () => arrivals().length >= acceptedAt.size, 120_000, 50);
  const latencies = arrivals().map((d) => d.receivedAt - acceptedAt.get(d.headers["webhook-id"])).sort((a, b) => a - b);
  return {
    rate_per_s: round(rate, 1),
    jobs: latencies.length,
    p50_ms: Math.round(percentile(latencies, 50)),
    p95_ms: Math.round(percentile(latencies, 95)),
    p99_ms: Math.round(percentile(latencies, 99)),
  };
}

async function acceptAlone(results) {
  const stack = await startStack({ log, withoutConsumers: true });
  try {
    const unlimited = await stack.createAccount(1_000_000_000, "bench-accept", { rateLimitPerMinute: 0 });
    const limited = await stack.createAccount(1_000_000_000, "bench-accept-limited", { rateLimitPerMinute: 1_000_000 });
    log("accept alone: a Worker without queue consumers; accounts unlimited (0), the limiter case 1,000,000 a minute (never reached)");
    const body = JSON.stringify({ ...SEED_REQUEST, webhook_url: stack.receiver.url("/never-delivered") });
    const post = (apiKey) => ({ url: `${stack.base}/image-generation/v1/generate`, method: "POST", headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" }, body });
    log(`baseline GET /health, ${CONNECTIONS} connections, ${DURATION_S}s`);
    results.baseline = await cannon({ url: `${stack.base}/health` });
    log(`accept alone, ${CONNECTIONS} connections, ${DURATION_S}s`);
    const alone = await cannon(post(unlimited.apiKey));
    log(`accept alone through the rate limiter, ${CONNECTIONS} connections, ${DURATION_S}s`);
    const limitedRun = await cannon(post(limited.apiKey));
    results.accept_alone = {
      ...alone,
      ratio_to_baseline: round(alone.rps / results.baseline.rps, 3),
      rate_limited: { ...limitedRun, ratio_to_unlimited: round(limitedRun.rps / alone.rps, 3) },
    };
  } finally {
    await stack.stop();
  }
  log("counting the accept path's storage round trips (test/jobs/round-trips.test.ts)");
  const trips = countedRoundTrips();
  results.accept_alone.storage_round_trips = trips.storage;
  results.accept_alone.round_trips = { d1: trips.d1, r2: trips.r2, queue: trips.queue, durable_object: trips.durableObject };
}

async function pipeline(results) {
  const stack = await startStack({ log, receiverHandler: serveBenchPages });
  try {
    results.worker.dev_ready_ms = Math.round(stack.readyMs);
    const { apiKey } = await stack.createAccount(1_000_000_000, "bench", { rateLimitPerMinute: 0 });
    log("bench account: rate limit unlimited (0)");
    const headers = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" };

    log(`drain: ${DRAIN_JOBS} async seed images at concurrency ${DRAIN_CONCURRENCY}`);
    const floodBody = JSON.stringify({ ...SEED_REQUEST, webhook_url: stack.receiver.url("/flood") });
    const already = stack.receiver.deliveries.length;
    const cpuBefore = groupCpuSeconds(stack.pid);
    const floodStart = performance.now() + performance.timeOrigin;
    let accepted = 0;
    await runPool(
      Array.from({ length: DRAIN_JOBS }, () => async () => {
        const res = await fetch(`${stack.base}/image-generation/v1/generate`, { method: "POST", headers, body: floodBody });
        await res.arrayBuffer();
        if (res.status === 201) accepted++;
      }),
      DRAIN_CONCURRENCY,
    );
    await drained(stack, already + accepted);
    const lastArrival = Math.max(...stack.receiver.deliveries.slice(already).map((d) => d.receivedAt));
    const cpu = groupCpuSeconds(stack.pid) - cpuBefore;
    results.drain_per_s = round(accepted / ((lastArrival - floodStart) / 1000), 1);
    results.drain = { jobs: accepted, total_s: round((lastArrival - floodStart) / 1000, 1), cpu_ms_per_job: round((cpu * 1000) / accepted, 1) };

    log(`latency at ${LIGHT_RATE} jobs/s for ${LATENCY_SECONDS}s`);
    results.latency_light = await latencyAt(stack, headers, LIGHT_RATE, LATENCY_SECONDS, "/light");
    const half = results.drain_per_s / 2;
    log(`latency at half the drain rate (${half.toFixed(1)} jobs/s) for ${LATENCY_SECONDS}s`);
    results.latency_half = await latencyAt(stack, headers, half, LATENCY_SECONDS, "/half");

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

    log("processing: image generation against satori + native resvg in Node");
    const render = await benchRender(stack, 10);
    log("processing: image transformation chains against sharp in Node");
    results.transform = await benchTransform(stack);
    log("processing: document to markdown, website extraction and document generation, large inputs against one-page ones and the same code in Node");
    const nodeApis = await loadNodeApis({ pages: DOCUMENT_PAGES });
    results.documents = await benchDocuments(stack, nodeApis);
    const extractionNodeMs = await nodeApis.time("document_extraction", extractionBody);
    log("processing: sheet generation against SheetJS in Node");
    results.sheets = await benchSheets(stack);
    results.render = render.map((row) => ({ ...row, ratio: round(row.workerd_ms / row.node_total_ms, 2) }));

    const seed = render.find((row) => row.name.includes("seed"));
    const chain = results.transform.find((row) => row.chain.startsWith("resize"));
    const document = (prefix) => results.documents.find((row) => row.case.startsWith(prefix));
    const xlsx = results.sheets.find((row) => row.case.includes("XLSX"));
    // One request at a time, as the Node reference runs: the median of 7 after a warm-up, inside the Worker (Server-Timing).
    const extractionTimes = [];
    const extractionRequests = [];
    for (let run = 0; run < 8; run++) {
      const res = await stack.timedPost("/document-extraction/v1/extract", apiKey, extractionBody);
      if (res.status !== 200 || res.processMs === null) throw new Error(`extraction: ${res.status} ${res.text.slice(0, 300)}`);
      if (run > 0) {
        extractionTimes.push(res.processMs);
        extractionRequests.push(res.ms);
      }
    }
    const extractionMs = median(extractionTimes);
    const extractionRequestMs = median(extractionRequests);
    results.processing = {
      image_generation: { case: "seed 800×600, PNG", worker_ms: round(seed.workerd_ms, 1), request_ms: round(seed.workerd_request_ms, 1), reference_ms: round(seed.node_total_ms, 1), reference: "satori + @resvg/resvg-js in Node" },
      image_transformation: { case: chain.chain, worker_ms: chain.worker_ms, request_ms: chain.request_ms, reference_ms: chain.sharp_ms, reference: "sharp" },
      sheet_generation: { case: xlsx.case, worker_ms: xlsx.process_ms, request_ms: xlsx.ms, reference_ms: xlsx.sheetjs_node_ms, reference: "SheetJS in Node" },
      document_extraction: { case: "1-page PDF invoice, 12 fields (one request at a time)", worker_ms: round(extractionMs, 1), request_ms: round(extractionRequestMs, 1), reference_ms: round(extractionNodeMs, 1), reference: "the same code in Node, one at a time" },
      document_to_markdown: { case: document("markdown, 20-page PDF").case, worker_ms: document("markdown, 20-page PDF").process_ms, request_ms: document("markdown, 20-page PDF").ms, reference_ms: document("markdown, 20-page PDF").node_ms, reference: "the same code in Node (PDF.js)" },
      // The page comes from the stack's HTTPS receiver, whose throwaway CA only workerd trusts: the Node run gets it from memory.
      website_extraction: { case: document("website extraction").case, worker_ms: document("website extraction").process_ms, request_ms: document("website extraction").ms, reference_ms: document("website extraction").node_ms, reference: "the same code in Node, the page handed over from memory (the Worker fetches it from the local receiver)" },
      document_generation: { case: document("generation, 30-page report → PDF").case, worker_ms: document("generation, 30-page report → PDF").process_ms, request_ms: document("generation, 30-page report → PDF").ms, reference_ms: document("generation, 30-page report → PDF").node_ms, reference: "the same code in Node (pdfmake)" },
    };
    for (const row of Object.values(results.processing)) {
      row.ratio = row.reference_ms ? round(row.worker_ms / row.reference_ms, 2) : null;
    }
  } finally {
    await stack.stop();
  }
}

async function main() {
  const results = {
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: { duration_s: DURATION_S, connections: CONNECTIONS, drain_jobs: DRAIN_JOBS, drain_concurrency: DRAIN_CONCURRENCY, latency_seconds: LATENCY_SECONDS },
  };
  results.worker = workerSize();
  log(`worker ${results.worker.raw_kib} KiB raw / ${results.worker.gzip_kib} KiB gzip, start-up ${results.worker.startup_ms} ms of CPU (wrangler check startup)`);
  await acceptAlone(results);
  await pipeline(results);

  writeFileSync(join(ROOT, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const a = results.accept_alone;
  const rows = [
    ["baseline GET /health", `${results.baseline.rps} req/s`, `p50 ${results.baseline.p50_ms} ms`, `p99 ${results.baseline.p99_ms} ms`, `${results.baseline.failed} failed`],
    ["accept alone (201)", `${a.rps} req/s`, `p50 ${a.p50_ms} ms`, `p99 ${a.p99_ms} ms`, `ratio ${a.ratio_to_baseline}, ${a.storage_round_trips} storage round trips`],
    ["accept alone, limiter on", `${a.rate_limited.rps} req/s`, `p50 ${a.rate_limited.p50_ms} ms`, `p99 ${a.rate_limited.p99_ms} ms`, `ratio ${a.rate_limited.ratio_to_unlimited} to unlimited`],
    ["drain (flood)", `${results.drain_per_s} deliveries/s`, `${results.drain.cpu_ms_per_job} ms CPU/job`, "", `${results.drain.jobs} jobs in ${results.drain.total_s}s`],
    ["latency at 5/s (request→hook)", `p50 ${results.latency_light.p50_ms} ms`, `p95 ${results.latency_light.p95_ms} ms`, `p99 ${results.latency_light.p99_ms} ms`, `${results.latency_light.jobs} jobs`],
    [`latency at ${results.latency_half.rate_per_s}/s (half)`, `p50 ${results.latency_half.p50_ms} ms`, `p95 ${results.latency_half.p95_ms} ms`, `p99 ${results.latency_half.p99_ms} ms`, `${results.latency_half.jobs} jobs`],
    ["sync small image (200)", `${results.sync.rps} req/s`, `p50 ${results.sync.p50_ms} ms`, `p99 ${results.sync.p99_ms} ms`, `${results.sync.failed} failed`],
    ["sync extraction, 1-page PDF", `${results.sync_extraction.rps} req/s`, `p50 ${results.sync_extraction.p50_ms} ms`, `p99 ${results.sync_extraction.p99_ms} ms`, `${results.sync_extraction.failed} failed`],
    ...Object.entries(results.processing).map(([api, row]) => [`processing ${api}`, `${row.worker_ms} ms`, row.reference_ms === null ? "no reference" : `ref ${row.reference_ms} ms`, row.ratio === null ? "" : `ratio ${row.ratio}`, `${row.case}; the request ${row.request_ms} ms`]),
    ...results.render.map((row) => [`render: ${row.name}`, `${row.workerd_ms.toFixed(1)} ms`, `node ${row.node_total_ms.toFixed(1)} ms`, `ratio ${row.ratio}`, `the request ${row.workerd_request_ms.toFixed(1)} ms`]),
    ...results.transform.map((row) => [`transform: ${row.chain}`, `${row.worker_ms} ms`, `sharp ${row.sharp_ms} ms`, `ratio ${row.ratio}`, `the request ${row.request_ms} ms`]),
    ...results.documents.map((row) => [row.case, `${row.ms} ms`, `1 page ${row.reference_ms} ms`, `ratio ${row.ratio}`, `${row.ms_per_page} ms a page; processing ${row.process_ms} ms${row.node_ms === undefined ? "" : `; Node ${row.node_ms} ms (×${round(row.process_ms / row.node_ms, 1)})`}`]),
    ...results.sheets.map((row) => [row.case, `${row.ms} ms`, `100 rows ${row.rows_100_ms} ms`, `ratio ${row.ratio_to_100_rows}`, `generation ${row.process_ms} ms; SheetJS in Node ${row.sheetjs_node_ms} ms (×${row.ratio_to_sheetjs})`]),
    ["worker size", `${results.worker.gzip_kib} KiB gzip`, `${results.worker.raw_kib} KiB raw`, `startup ${results.worker.startup_ms ?? "n/a"} ms CPU`, `dev ready ${results.worker.dev_ready_ms} ms`],
  ];
  console.log(`\nLamina bench: ${results.machine.cores} cores, ${results.machine.cpu}, node ${results.machine.node}`);
  for (const row of rows) {
    console.log(`  ${row[0].padEnd(30)} ${String(row[1]).padEnd(20)} ${String(row[2]).padEnd(16)} ${String(row[3]).padEnd(16)} ${row[4]}`);
  }
  console.log("\nwritten to bench/results.json");
}

const watchdog = setTimeout(() => {
  console.error("[bench] gave up after 20 minutes");
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
