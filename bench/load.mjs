// `npm run test:load`: the reliability run. 2,000 async jobs across several accounts against `wrangler dev`,
// a receiver that fails on purpose (500s, answers slower than the timeout, dropped connections, redirects),
// a share of inputs that fail processing, and a share of requests that must be refused. At the end it checks
// the invariants below, prints one line per invariant, and exits non-zero if any fails. Bounded in time;
// stops every process it started. Not part of `npm test`.
import { setTimeout as sleep } from "node:timers/promises";
import { runPool, SMALL_IMAGE, startStack, waitFor } from "../scripts/lib/stack.mjs";

const JOBS = Number(process.env.LOAD_JOBS ?? 2000);
const ACCOUNTS = 5;
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 20);
const DEADLINE_MS = 20 * 60_000;
const FAILING_IMAGE = {
  dimensions: { width_in_px: 8, height_in_px: 8 },
  layers: [{ index: 0, type: "image", file: { type: "base64", base64: btoa("not an image at all") } }],
};

const log = (message) => console.log(`[load] ${message}`);

/** Seeded, so a failing run can be repeated exactly. */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(Number(process.env.LOAD_SEED ?? 20261130));

const faults = { ok: 0, status500: 0, slow: 0, dropped: 0, redirect: 0 };

/** About 30% 500s, 10% slower than the timeout, 5% dropped connections, 3% redirects, the rest 200. */
async function faultyReceiver(_delivery, req, res) {
  const r = random();
  if (r < 0.3) {
    faults.status500++;
    res.writeHead(500).end("injected failure");
  } else if (r < 0.4) {
    faults.slow++;
    await sleep(1500);
    if (!res.destroyed) {
      res.writeHead(200).end("too late");
    }
  } else if (r < 0.45) {
    faults.dropped++;
    req.socket.destroy();
  } else if (r < 0.48) {
    faults.redirect++;
    res.writeHead(302, { Location: "https://localhost:1/elsewhere" }).end();
  } else {
    faults.ok++;
    res.writeHead(200).end("ok");
  }
  return true;
}

async function main() {
  const stack = await startStack({
    log,
    receiverHandler: faultyReceiver,
    vars: { WEBHOOK_TIMEOUT_MS: "1000", WEBHOOK_RETRY_DELAYS_SECONDS: "1,1,1", WEBHOOK_RETRY_AFTER_MAX_SECONDS: "2" },
  });
  try {
    const perAccount = Math.ceil(JOBS / ACCOUNTS);
    const accounts = [];
    // Each account sends hundreds of requests a minute: unlimited (rate_limit_per_minute 0), so every refusal
    // counted below is one the plan asked for, never a 429.
    for (let i = 0; i < ACCOUNTS; i++) {
      accounts.push({ ...(await stack.createAccount(perAccount * 2 + 100, `load-${i}`, { rateLimitPerMinute: 0 })), starting: perAccount * 2 + 100 });
    }
    const poor = { ...(await stack.createAccount(3, "poor", { rateLimitPerMinute: 0 })), starting: 3 };
    log(`${ACCOUNTS + 1} accounts, rate limit unlimited (0) for the run`);
    const webhookUrl = stack.receiver.url("/hook");

    // The plan: JOBS valid async requests (10% of them fail in processing) and a share that must be refused.
    const plan = [];
    for (let i = 0; i < JOBS; i++) {
      const account = accounts[i % ACCOUNTS];
      const failing = random() < 0.1;
      plan.push({ account, kind: failing ? "fails-processing" : "ok", body: JSON.stringify({ ...(failing ? FAILING_IMAGE : SMALL_IMAGE), webhook_url: webhookUrl }) });
    }
    for (let i = 0; i < 60; i++) {
      const account = accounts[i % ACCOUNTS];
      plan.push({ account, kind: "invalid", body: JSON.stringify({ ...SMALL_IMAGE, layers: [], webhook_url: webhookUrl }) });
      plan.push({ account, kind: "bad-webhook", body: JSON.stringify({ ...SMALL_IMAGE, webhook_url: "http://127.0.0.1/hook" }) });
      plan.push({ account, kind: "malformed", body: '{"dimensions": ' });
      plan.push({ account: poor, kind: "poor", body: JSON.stringify({ ...SMALL_IMAGE, webhook_url: webhookUrl }) });
    }
    plan.sort(() => random() - 0.5);

    log(`sending ${plan.length} requests (${JOBS} valid) at concurrency ${CONCURRENCY}`);
    const started = performance.now();
    const responses = await runPool(
      plan.map((item) => async () => {
        const res = await fetch(`${stack.base}/image-generation/v1/generate`, {
          method: "POST",
          headers: { Authorization: `Bearer ${item.account.apiKey}`, "Content-Type": "application/json" },
          body: item.body,
        });
        return { item, status: res.status, body: await res.json().catch(() => null) };
      }),
      CONCURRENCY,
    );
    log(`sent in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    const accepted = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    const acceptedIds = new Set(accepted.map((r) => r.body.job_id));

    log(`waiting for ${accepted.length} jobs to reach a final state`);
    // Polled through the API, as a customer would: D1 is read directly only once the server has stopped.
    const keyOf = new Map(accepted.map((r) => [r.body.job_id, r.item.account.apiKey]));
    const pending = new Set(keyOf.keys());
    let lastReport = 0;
    await waitFor(
      "every job final",
      async () => {
        const states = {};
        await runPool(
          [...pending].map((id) => async () => {
            const res = await fetch(`${stack.base}/v1/jobs/${id}`, { headers: { Authorization: `Bearer ${keyOf.get(id)}` } });
            const { data } = await res.json();
            if (["succeeded", "failed"].includes(data.status) && ["delivered", "exhausted"].includes(data.delivery_status)) {
              pending.delete(id);
            } else {
              const state = `${data.status}/${data.delivery_status}`;
              states[state] = (states[state] ?? 0) + 1;
            }
          }),
          CONCURRENCY,
        );
        if (performance.now() - lastReport > 30_000) {
          lastReport = performance.now();
          log(`${pending.size} not final yet ${JSON.stringify(states)}; ${stack.receiver.deliveries.length} deliveries so far`);
        }
        return pending.size === 0;
      },
      15 * 60_000,
      3000,
    );
    const drainedAfter = (performance.now() - started) / 1000;
    log(`all final ${drainedAfter.toFixed(1)}s after the first request`);
    await stack.stopServer();

    // Read everything once, then check.
    const jobs = stack.query("SELECT id, account_id, status, delivery_status, cost, error FROM jobs WHERE mode = 'async'");
    const deadLettered = new Set(stack.logLines.filter((line) => line.includes('"outcome":"abandoned"')).map((line) => line.match(/"job_id":"([0-9a-f-]{36})"/)?.[1]));
    const attempts = stack.query("SELECT job_id, COUNT(*) AS n, MAX(attempt) AS max_attempt, COUNT(DISTINCT attempt) AS distinct_attempts FROM delivery_attempts GROUP BY job_id");
    const ledger = stack.query("SELECT account_id, job_id, reason, amount FROM credit_ledger");
    const balances = stack.query("SELECT id, credits FROM accounts");
    const attemptsByJob = new Map(attempts.map((row) => [row.job_id, row]));
    const receivedByJob = new Map();
    for (const delivery of stack.receiver.deliveries) {
      const id = delivery.headers["webhook-id"];
      receivedByJob.set(id, (receivedByJob.get(id) ?? 0) + 1);
    }
    const processedByJob = new Map();
    for (const line of stack.logLines) {
      const match = line.match(/"event":"job_processing","job_id":"([0-9a-f-]{36})"/);
      if (match) {
        processedByJob.set(match[1], (processedByJob.get(match[1]) ?? 0) + 1);
      }
    }

    const results = [];
    const check = (name, failures, detail) => {
      results.push({ name, ok: failures.length === 0 });
      console.log(`${failures.length === 0 ? "PASS" : "FAIL"}  ${name}: ${detail}${failures.length ? ` (e.g. ${JSON.stringify(failures.slice(0, 3))})` : ""}`);
    };
    const jobIds = new Set(jobs.map((job) => job.id));

    check(
      "every accepted job exists and reached a final state",
      [...acceptedIds].filter((id) => !jobIds.has(id)).concat(jobs.filter((job) => !["delivered", "exhausted"].includes(job.delivery_status)).map((job) => job.id)),
      `${acceptedIds.size} accepted, ${jobs.length} async jobs in D1, ${jobs.filter((j) => j.delivery_status === "delivered").length} delivered, ${jobs.filter((j) => j.delivery_status === "exhausted").length} exhausted`,
    );
    check(
      "no job without an accepted request (nothing charged behind the caller's back)",
      jobs.filter((job) => !acceptedIds.has(job.id)).map((job) => job.id),
      `${jobs.length} jobs for ${acceptedIds.size} 201s`,
    );
    check(
      "no job was processed twice",
      [...processedByJob].filter(([, n]) => n > 1),
      `${processedByJob.size} jobs claimed, max ${Math.max(0, ...processedByJob.values())} claim per job`,
    );
    check(
      "every job was processed, or failed and refunded through the processing DLQ",
      jobs.filter((job) => !processedByJob.has(job.id) && !(deadLettered.has(job.id) && job.status === "failed")).map((job) => ({ id: job.id, status: job.status, error: job.error })),
      `${processedByJob.size} claimed by the processing consumer, ${deadLettered.size} failed through the DLQ`,
    );
    check(
      "no delivery made more than 4 attempts",
      [...attemptsByJob.values()].filter((row) => row.max_attempt > 4 || row.n > 4).map((row) => row.job_id)
        .concat([...receivedByJob].filter(([, n]) => n > 4).map(([id]) => id)),
      `max ${Math.max(0, ...attempts.map((row) => row.n))} attempts recorded, max ${Math.max(0, ...receivedByJob.values())} received for one job`,
    );
    check(
      "every attempt the receiver saw is recorded, numbered 1..n",
      jobs
        .filter((job) => (receivedByJob.get(job.id) ?? 0) !== (attemptsByJob.get(job.id)?.n ?? 0) || (attemptsByJob.get(job.id) && attemptsByJob.get(job.id).distinct_attempts !== attemptsByJob.get(job.id).max_attempt))
        .map((job) => ({ id: job.id, received: receivedByJob.get(job.id) ?? 0, recorded: attemptsByJob.get(job.id)?.n ?? 0 })),
      `${stack.receiver.deliveries.length} received, ${attempts.reduce((sum, row) => sum + row.n, 0)} recorded`,
    );
    check(
      "an exhausted delivery made exactly 4 attempts, a delivered one ended on a 2xx",
      jobs.filter((job) => job.delivery_status === "exhausted" && attemptsByJob.get(job.id)?.n !== 4).map((job) => job.id),
      `${jobs.filter((j) => j.delivery_status === "exhausted").length} exhausted`,
    );

    const ledgerFailures = [];
    for (const account of [...accounts, poor]) {
      const rows = ledger.filter((row) => row.account_id === account.accountId);
      const sum = (reason) => rows.filter((row) => row.reason === reason).reduce((total, row) => total + row.amount, 0);
      const balance = balances.find((row) => row.id === account.accountId).credits;
      const expected = sum("grant") + sum("debit") + sum("refund");
      if (balance !== expected || sum("grant") !== account.starting || balance < 0) {
        ledgerFailures.push({ account: account.accountId, balance, expected, grants: sum("grant") });
      }
    }
    check("the ledger reconciles for every account (grants − debits + refunds = balance ≥ 0)", ledgerFailures, `${accounts.length + 1} accounts`);

    const jobById = new Map(jobs.map((job) => [job.id, job]));
    const refunds = ledger.filter((row) => row.reason === "refund");
    const failedJobs = jobs.filter((job) => job.status === "failed");
    check(
      "refunds only for failed processing, exactly one per failed job",
      refunds.filter((row) => jobById.get(row.job_id)?.status !== "failed").map((row) => row.job_id)
        .concat(failedJobs.filter((job) => refunds.filter((row) => row.job_id === job.id).length !== 1).map((job) => job.id)),
      `${failedJobs.length} failed jobs, ${refunds.length} refunds, ${plan.filter((p) => p.kind === "fails-processing").length} failing inputs sent`,
    );
    const debits = ledger.filter((row) => row.reason === "debit");
    check(
      "every refused request got a 4xx/5xx with a message and charged nothing",
      refused.filter((r) => r.status < 400 || typeof r.body?.error !== "string" || r.body.error.length === 0).map((r) => ({ status: r.status, kind: r.item.kind }))
        .concat(debits.length !== acceptedIds.size ? [{ debits: debits.length, accepted: acceptedIds.size }] : []),
      `${refused.length} refused (${[...new Set(refused.map((r) => r.status))].sort().join("/")}), ${debits.length} debits for ${acceptedIds.size} accepted`,
    );

    console.log(
      `\ncounts: ${plan.length} requests, ${accepted.length} accepted, ${refused.length} refused; ` +
        `${jobs.filter((j) => j.status === "succeeded").length} succeeded, ${failedJobs.length} failed; ` +
        `${stack.receiver.deliveries.length} delivery attempts (receiver: ${JSON.stringify(faults)}); all final in ${drainedAfter.toFixed(1)}s`,
    );
    return results.every((result) => result.ok);
  } finally {
    await stack.stop();
  }
}

const watchdog = setTimeout(() => {
  console.error("[load] gave up after 20 minutes");
  process.exit(1);
}, DEADLINE_MS);
let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`[load] FAILED: ${err.stack ?? err}`);
}
clearTimeout(watchdog);
process.exit(ok ? 0 : 1);
