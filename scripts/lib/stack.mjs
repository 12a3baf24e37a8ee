// The local stack that the e2e, benchmark and load scripts drive: `wrangler dev` with its own throwaway state,
// and an HTTPS webhook receiver on localhost whose certificate comes from a throwaway CA that workerd trusts
// through NODE_EXTRA_CA_CERTS. Everything listens on 127.0.0.1 only; stop() ends every process it started.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Each API's route, for the scripts that call them. */
export const API_PATHS = {
  EXTRACT: "/document-extraction/v1/extract",
  GENERATE: "/image-generation/v1/generate",
  TRANSFORM: "/image-transformation/v1/transform",
  MARKDOWN: "/document-to-markdown/v1/convert",
  WEBSITE: "/website-extraction/v1/extract",
  DOCUMENT: "/document-generation/v1/generate",
  SHEET: "/sheet-generation/v1/generate",
};
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

export async function freePort() {
  const server = createNetServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor(what, probe, timeoutMs, intervalMs = 250) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe().catch(() => undefined);
    if (value) {
      return value;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** A CA, and a localhost leaf it signs (CA:FALSE, SANs for localhost and 127.0.0.1): workerd refuses less. */
function makeCertificates(dir) {
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Lamina test CA",
    "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "leaf.key", "-out", "leaf.csr");
  writeFileSync(join(dir, "leaf.ext"), "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
    "-extfile", "leaf.ext", "-out", "leaf.pem");
  return { ca: join(dir, "ca.pem"), key: readFileSync(join(dir, "leaf.key")), cert: readFileSync(join(dir, "leaf.pem")) };
}

/**
 * A receiver that records every request (arrival time, headers, body) and answers with `handler(delivery, res)`,
 * which may answer late, drop the connection, or return nothing to get a plain 200.
 */
async function startReceiver(tls, handler) {
  const deliveries = [];
  const server = createHttpsServer({ key: tls.key, cert: tls.cert, keepAlive: true }, (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      const delivery = {
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: performance.now() + performance.timeOrigin,
      };
      deliveries.push(delivery);
      const handled = handler ? await handler(delivery, req, res) : false;
      if (!handled && !res.headersSent && !res.destroyed) {
        res.writeHead(200, { "Content-Type": "text/plain" }).end("received");
      }
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, port, deliveries, url: (path = "/hook") => `https://localhost:${port}${path}` };
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the receiver and `wrangler dev` (with `vars` as --var overrides) on fresh local state.
 * Returns helpers to call the API, read D1, and stop everything.
 */
export async function startStack({ vars = {}, receiverHandler, log = () => {}, processEnv = {}, withoutConsumers = false, inspectorPort = 0 } = {}) {
  const work = mkdtempSync(join(tmpdir(), "lamina-stack-"));
  // Without consumers (the accept-alone bench): wrangler.toml minus its [[queues.consumers]] tables, next to it so its
  // relative paths hold. Nothing else then runs in that workerd.
  const config = withoutConsumers ? join(ROOT, `wrangler.no-consumers-${process.pid}.toml`) : null;
  if (config) {
    const kept = [];
    let skipping = false;
    for (const line of readFileSync(join(ROOT, "wrangler.toml"), "utf8").split("\n")) {
      if (/^\[/.test(line)) skipping = line.trim() === "[[queues.consumers]]";
      if (!skipping) kept.push(line);
    }
    writeFileSync(config, kept.join("\n"));
  }
  const configArgs = config ? ["--config", config] : [];
  const state = join(work, "state");
  const adminToken = `admin-${crypto.randomUUID()}`;
  const children = [];
  let receiver;
  const logLines = [];

  /** Ends wrangler dev (and its workerd and esbuild); the local state stays readable through query(). */
  const stopServer = async () => {
    for (const child of children) {
      if (groupAlive(child.pid)) {
        process.kill(-child.pid, "SIGTERM");
      }
      for (let waited = 0; waited < 5000 && groupAlive(child.pid); waited += 100) {
        await sleep(100);
      }
      if (groupAlive(child.pid)) {
        process.kill(-child.pid, "SIGKILL");
      }
    }
  };
  const stop = async () => {
    await stopServer();
    receiver?.server.closeAllConnections?.();
    receiver?.server.close();
    rmSync(work, { recursive: true, force: true });
    if (config) rmSync(config, { force: true });
  };

  try {
    const tls = makeCertificates(work);
    receiver = await startReceiver(tls, receiverHandler);
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: tls.ca,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      CI: "true",
      ...processEnv,
    };
    const wrangler = (...args) => execFileSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env, stdio: "pipe", maxBuffer: 256 * 1024 * 1024 });
    wrangler("d1", "migrations", "apply", "lamina-db", "--local", "--persist-to", state, ...configArgs);

    const port = await freePort();
    // SERVER_TIMING: sync answers say how long the API's own processing took (timedPost reads it).
    const allVars = { ADMIN_TOKEN: adminToken, RESULT_URL_SECRET: `links-${crypto.randomUUID()}`, DEV_HOSTS: "localhost", SERVER_TIMING: "true", ...vars };
    const startedAt = performance.now();
    const child = spawn(
      process.execPath,
      [WRANGLER, "dev", ...configArgs, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", state,
        "--show-interactive-dev-session=false", ...Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
      { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let pending = "";
    const collect = (data) => {
      pending += data;
      const lines = pending.split("\n");
      pending = lines.pop();
      logLines.push(...lines);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const base = `http://127.0.0.1:${port}`;
    await waitFor("wrangler dev", async () => (await fetch(`${base}/health`)).ok, 60_000).catch((err) => {
      console.error(logLines.join("\n"));
      throw err;
    });
    const readyMs = performance.now() - startedAt;
    log(`wrangler dev ready on ${base} in ${(readyMs / 1000).toFixed(1)}s; receiver on ${receiver.url()}`);

    /** An account with `credits`; `rateLimitPerMinute` 0 makes it unlimited (load and benchmarks), absent the default. */
    const createAccount = async (credits, name = "load", { rateLimitPerMinute } = {}) => {
      const res = await fetch(`${base}/admin/v1/accounts`, {
        method: "POST",
        headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name, credits, ...(rateLimitPerMinute === undefined ? {} : { rate_limit_per_minute: rateLimitPerMinute }) }),
      });
      const body = await res.json();
      return { accountId: body.data.account_id, apiKey: body.data.api_key };
    };
    /**
     * Rows of a query against the local D1 (through wrangler, as an operator would). A second process on the
     * same SQLite file can make the Worker's own writes fail with SQLITE_BUSY, so query after stopServer().
     */
    const query = (sql) => {
      const out = wrangler("d1", "execute", "lamina-db", "--local", "--persist-to", state, ...configArgs, "--json", "--command", sql);
      return JSON.parse(out.toString())[0].results;
    };
    /**
     * One POST with `apiKey`: the status, the answer's text, the round trip in ms (HTTP, auth, charging, JSON and
     * base64 included) and `processMs`, the API's own processing inside the Worker from its Server-Timing header
     * (null on answers without one: errors, async).
     */
    const timedPost = async (path, apiKey, body) => {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" }, body });
      const text = await res.text();
      const ms = performance.now() - started;
      const timing = /(?:^|,)\s*process;dur=([\d.]+)/.exec(res.headers.get("Server-Timing") ?? "");
      return { status: res.status, text, ms, processMs: timing ? Number(timing[1]) : null };
    };
    return { base, pid: child.pid, receiver, adminToken, createAccount, timedPost, query, logLines, readyMs, stopServer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The run of a checking script (`npm run test:e2e`, `npm run test:sdks`): starts the stack, runs `main(stack)`,
 * and exits 0 when it passed, 1 when it threw (with the stack's last log lines) or ran past `deadlineMs`; every
 * process the stack started is stopped either way.
 */
export async function runChecks({ name, deadlineMs, log, stackOptions, main }) {
  let stack;
  const watchdog = setTimeout(async () => {
    console.error(`[${name}] gave up after ${deadlineMs / 1000}s`);
    await stack?.stop();
    process.exit(1);
  }, deadlineMs);
  let exitCode = 0;
  try {
    stack = await startStack({ log, ...stackOptions });
    await main(stack);
    log("passed");
  } catch (err) {
    console.error(`[${name}] FAILED: ${err.stack ?? err}`);
    if (stack) console.error(stack.logLines.slice(-40).join("\n"));
    exitCode = 1;
  }
  clearTimeout(watchdog);
  await stack?.stop();
  process.exit(exitCode);
}

/** Runs `tasks` (async functions) with at most `concurrency` in flight; returns their results in order. */
export async function runPool(tasks, concurrency) {
  const results = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  });
  await Promise.all(workers);
  return results;
}

/** The middle value of `values` (the upper one of the two middles for an even count); `values` is left as it was. */
export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return NaN;
  }
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const SEED_REQUEST = {
  dimensions: { width: 800, height: 600 },
  layers: [{ index: 0, type: "solid-color-background", hex_color: "#FFFFFF" }],
  output_format: "png",
};

export const SMALL_IMAGE = {
  dimensions: { width_in_px: 64, height_in_px: 32 },
  layers: [{ index: 0, type: "solid-color", hex_color: "#3366FF" }],
};
