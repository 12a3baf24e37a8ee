// `npm run test:e2e`: the async path for real. Starts `wrangler dev` with its own local state, an HTTPS
// webhook receiver on localhost with a certificate from a throwaway CA (trusted through NODE_EXTRA_CA_CERTS),
// sends the README's seed request with a webhook_url, and checks the delivered payload and its signature.
// Bounded in time; stops every process it started, whatever happens.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { decode } from "fast-png";
import { Webhook } from "standardwebhooks";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEADLINE_MS = 150_000;
const ADMIN_TOKEN = `e2e-${crypto.randomUUID()}`;
const SEED_REQUEST = {
  dimensions: { width: 800, height: 600 },
  layers: [{ index: 0, type: "solid-color-background", hex_color: "#FFFFFF" }],
  output_format: "png",
};

const work = mkdtempSync(join(tmpdir(), "lamina-e2e-"));
const children = [];
let receiver;
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

async function freePort() {
  const server = createNetServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A CA, and a localhost leaf it signs (CA:FALSE, SANs for localhost and 127.0.0.1): workerd refuses less. */
function makeCertificates() {
  const openssl = (...args) => execFileSync("openssl", args, { cwd: work, stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Lamina e2e CA",
    "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "leaf.key", "-out", "leaf.csr");
  writeFileSync(join(work, "leaf.ext"), "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
    "-extfile", "leaf.ext", "-out", "leaf.pem");
  return { ca: join(work, "ca.pem"), key: readFileSync(join(work, "leaf.key")), cert: readFileSync(join(work, "leaf.pem")) };
}

function startReceiver(tls, port) {
  const deliveries = [];
  const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      deliveries.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "Content-Type": "text/plain" }).end("received");
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ server, deliveries })));
}

function run(args, env) {
  // process.execPath is the project's Node 24 (npm puts node_modules/.bin first).
  execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args], { cwd: ROOT, env, stdio: "pipe" });
}

function startWrangler(port, env) {
  const child = spawn(
    process.execPath,
    [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", String(port),
      "--inspector-port", "0", "--persist-to", join(work, "state"), "--show-interactive-dev-session=false",
      "--var", `ADMIN_TOKEN:${ADMIN_TOKEN}`, "--var", "WEBHOOK_DEV_HOSTS:localhost"],
    { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let output = "";
  child.stdout.on("data", (data) => (output += data));
  child.stderr.on("data", (data) => (output += data));
  return { child, output: () => output };
}

async function waitFor(what, probe, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe().catch(() => undefined);
    if (value) {
      return value;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops every process group we started (wrangler spawns workerd and esbuild) and waits until they are gone. */
async function cleanup() {
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
  receiver?.server.close();
  rmSync(work, { recursive: true, force: true });
}

async function main() {
  const tls = makeCertificates();
  const [receiverPort, apiPort] = [await freePort(), await freePort()];
  receiver = await startReceiver(tls, receiverPort);
  step(`HTTPS receiver on https://localhost:${receiverPort}`);

  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: tls.ca,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    CI: "true",
  };
  run(["d1", "migrations", "apply", "lamina-db", "--local", "--persist-to", join(work, "state")], env);
  step("local D1 migrated");
  const wrangler = startWrangler(apiPort, env);
  const base = `http://127.0.0.1:${apiPort}`;
  try {
    await waitFor("wrangler dev", async () => (await fetch(`${base}/health`)).ok, 60_000);
  } catch (err) {
    console.error(wrangler.output());
    throw err;
  }
  step(`wrangler dev ready on ${base}`);

  const admin = await fetch(`${base}/admin/v1/accounts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "e2e", credits: 10 }),
  }).then((res) => res.json());
  const apiKey = admin.data.api_key;
  const auth = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" };
  const secret = (await fetch(`${base}/v1/webhook-secret`, { headers: auth }).then((res) => res.json())).data.secret;

  const webhookUrl = `https://localhost:${receiverPort}/hook`;
  const accepted = await fetch(`${base}/image-generation/v1/generate`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ ...SEED_REQUEST, webhook_url: webhookUrl }),
  });
  const acceptedBody = await accepted.json();
  check(accepted.status === 201, `201 Accepted (got ${accepted.status} ${JSON.stringify(acceptedBody)})`);
  check(
    acceptedBody.async === true &&
      acceptedBody.message === "Request accepted. Results will be delivered to the provided webhook URL.",
    "async body",
  );
  const jobId = acceptedBody.job_id;

  const delivery = await waitFor("the webhook", async () => receiver.deliveries[0], 60_000).catch((err) => {
    console.error(wrangler.output());
    throw err;
  });
  step(`webhook received after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  check(delivery.url === "/hook" && delivery.headers["webhook-id"] === jobId, "webhook-id is the job id");
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
  check(me.data.credits === 8, "2 credits charged");
}

const watchdog = setTimeout(async () => {
  console.error(`[e2e] gave up after ${DEADLINE_MS / 1000}s`);
  await cleanup();
  process.exit(1);
}, DEADLINE_MS);

let exitCode = 0;
try {
  await main();
  step("passed");
} catch (err) {
  console.error(`[e2e] FAILED: ${err.stack ?? err}`);
  exitCode = 1;
}
clearTimeout(watchdog);
await cleanup();
process.exit(exitCode);
