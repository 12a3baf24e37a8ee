// `npm run test:abuse`: hostile inputs within the documented limits, for all seven APIs, against `wrangler dev` with
// the V8 heap capped at 128 MiB as an isolate's is (MINIFLARE_WORKERD_V8_FLAGS=--max-heap-size=128). Each case gets
// a fresh account; the runner records the answer's status, its time, the credits it left spent and the isolate's
// heap (V8's own figure, read through the inspector before the request and polled while it runs). It fails on any
// 5xx, any crash (the Worker stops answering: it is restarted and the run goes on), any answer of the wrong class
// (a budget that did not refuse, or a valid input refused), any case slower than the work budget's time, and any
// credit not returned for a refused or failed job. Hostile web servers are the stack's HTTPS receiver on
// localhost: redirect loops, slowloris, gzip and brotli bombs, endless pages, a huge or slow robots.txt.
//   ABUSE_ONLY=<substring> runs the cases whose name contains it.
import { setTimeout as sleep } from "node:timers/promises";
import { connectInspector } from "./lib/inspector.mjs";
import { freePort, startStack, waitFor } from "./lib/stack.mjs";
import { cases, serving } from "./abuse-cases.mjs";

/** The longest a case may take: the work budgets aim at 10 s of the reference machine, decoding and I/O on top. */
const CASE_LIMIT_MS = 15_000;
const HEAP_MIB = 128;
const log = (message) => console.log(`[abuse] ${message}`);

async function startWorker() {
  const inspectorPort = await freePort();
  const stack = await startStack({
    receiverHandler: serving,
    vars: { DEV_HOSTS: "localhost,127.0.0.1" },
    processEnv: { MINIFLARE_WORKERD_V8_FLAGS: `--max-heap-size=${HEAP_MIB}` },
    inspectorPort,
  });
  // The inspector's connection is remade when an idle isolate does not answer on it (workerd restarted it).
  let connection = await connectInspector(inspectorPort);
  const inspector = {
    heapMib: async ({ idle = false } = {}) => {
      const heap = await connection.heapMib();
      if (heap !== undefined || !idle) return heap;
      connection.close();
      connection = await connectInspector(inspectorPort);
      return connection.heapMib();
    },
    close: () => connection.close(),
  };
  return { stack, inspector };
}

async function alive(stack) {
  try {
    return (await fetch(`${stack.base}/health`, { signal: AbortSignal.timeout(10_000) })).ok;
  } catch {
    return false;
  }
}

const credits = async (stack, apiKey) => (await fetch(`${stack.base}/v1/me`, { headers: { Authorization: `Bearer ${apiKey}` } }).then((res) => res.json())).data.credits;

/** An async case's job once it is final (succeeded or failed), read through the jobs API. */
async function finalJob(stack, apiKey, jobId) {
  return waitFor(
    `job ${jobId}`,
    async () => {
      const body = await fetch(`${stack.base}/v1/jobs/${jobId}`, { headers: { Authorization: `Bearer ${apiKey}` } }).then((res) => res.json());
      return body.data.status === "succeeded" || body.data.status === "failed" ? body.data : undefined;
    },
    CASE_LIMIT_MS * 3,
    200,
  );
}

async function runCase(worker, testCase) {
  const { stack, inspector } = worker;
  const START = 100_000;
  const { apiKey } = await stack.createAccount(START, `abuse ${testCase.name}`.slice(0, 100), { rateLimitPerMinute: 0 });
  const origin = stack.receiver.url("").replace(/\/$/, "");
  let built;
  try {
    built = await testCase.body(stack);
  } catch (err) {
    // An input that cannot be made here (the corpus is not beside the project): the case fails, the run goes on.
    return { row: { case: testCase.name, status: 0, ok: false, problems: `its input could not be made: ${err.message}` }, living: true };
  }
  const body = JSON.stringify(built).replaceAll("{{ORIGIN}}", origin).replaceAll("{{ORIGIN2}}", origin.replace("localhost", "127.0.0.1"));
  const heapBefore = await inspector.heapMib({ idle: true });
  let heapPeak = heapBefore ?? 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const heap = await inspector.heapMib();
      if (heap !== undefined) heapPeak = Math.max(heapPeak, heap);
      await sleep(100);
    }
  })();
  const started = performance.now();
  let status = 0;
  let answer = "";
  try {
    const res = await fetch(`${stack.base}${testCase.path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body,
      signal: AbortSignal.timeout(CASE_LIMIT_MS * 6),
    });
    status = res.status;
    answer = await res.text();
  } catch (err) {
    answer = `no answer: ${err.cause?.code ?? err.name}`;
  }
  let ms = performance.now() - started;
  polling = false;
  await poller;
  const heapAfter = await inspector.heapMib({ idle: true }).catch(() => undefined);
  if (heapAfter !== undefined) heapPeak = Math.max(heapPeak, heapAfter);
  const row = { case: testCase.name, api: testCase.path.split("/")[1], status, ms: Math.round(ms), heap_before_mib: round(heapBefore), heap_peak_mib: round(heapPeak), heap_after_mib: round(heapAfter), body_mib: round(body.length / 1024 / 1024) };
  let error;
  try {
    error = JSON.parse(answer).error;
  } catch {
    error = answer.slice(0, 120);
  }
  row.error = typeof error === "string" ? error.slice(0, 160) : error?.message;
  const problems = [];
  const living = await alive(stack);
  if (!living || status === 0) problems.push("crash: the Worker stopped answering");
  if (status >= 500) problems.push(`a ${status}`);
  if (living && status === 201) {
    const job = await finalJob(stack, apiKey, JSON.parse(answer).job_id);
    ms = performance.now() - started;
    row.ms = Math.round(ms);
    row.job = job.status;
    row.error = job.error ?? row.error;
    if (job.status !== testCase.job) problems.push(`the job ${job.status}, expected ${testCase.job}`);
  } else if (status > 0 && status < 500) {
    const expected = testCase.expect;
    const klass = status < 300 ? "2xx" : `${String(status)[0]}xx`;
    if (!(expected === "any" || expected === klass || expected === String(status))) problems.push(`answered ${status}, expected ${expected}`);
  }
  if (living) {
    const spent = START - (await credits(stack, apiKey));
    row.spent = spent;
    const refused = status >= 400 || row.job === "failed";
    if (refused && spent !== 0) problems.push(`${spent} credits kept for a refused job`);
  }
  if (ms > CASE_LIMIT_MS) problems.push(`took ${Math.round(ms)} ms (over ${CASE_LIMIT_MS})`);
  row.ok = problems.length === 0;
  row.problems = problems.join("; ");
  return { row, living };
}

const round = (value) => (value === undefined ? null : Math.round(value * 10) / 10);

async function main() {
  const only = process.env.ABUSE_ONLY;
  const selected = cases().filter((testCase) => !only || testCase.name.includes(only));
  log(`${selected.length} cases, V8 heap capped at ${HEAP_MIB} MiB`);
  let worker = await startWorker();
  const rows = [];
  try {
    for (const testCase of selected) {
      const { row, living } = await runCase(worker, testCase);
      rows.push(row);
      log(`${row.ok ? "ok  " : "FAIL"} ${row.case}: ${row.status}${row.job ? ` (job ${row.job})` : ""} in ${row.ms} ms, heap ${row.heap_before_mib} → ${row.heap_after_mib} MiB (peak seen ${row.heap_peak_mib}), ${row.spent ?? "?"} credits${row.error ? `; ${row.error}` : ""}${row.problems ? ` — ${row.problems}` : ""}`);
      if (!living) {
        log(`the Worker died; its last lines:\n${worker.stack.logLines.slice(-15).join("\n")}`);
        worker.inspector.close();
        await worker.stack.stop();
        worker = await startWorker();
      }
    }
  } finally {
    worker.inspector.close();
    await worker.stack.stop();
  }
  console.table(rows.map((row) => ({ case: row.case.slice(0, 60), status: row.job ? `${row.status} ${row.job}` : row.status, ms: row.ms, "heap peak": row.heap_peak_mib, spent: row.spent, ok: row.ok ? "ok" : "FAIL" })));
  const failed = rows.filter((row) => !row.ok);
  for (const row of failed) console.error(`[abuse] FAILED ${row.case}: ${row.problems}`);
  console.log(`${rows.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
