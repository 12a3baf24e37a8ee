// `npm run test:sdks`: the Python and Go SDKs against a real Lamina. Starts `wrangler dev` on fresh local state
// (scripts/lib/stack.mjs) with an HTTPS receiver that serves a product page for website extraction, makes an
// account, then installs the Python SDK offline (`pip install --no-build-isolation`) into a scratch directory and
// runs its unittest suite from there, and runs the Go SDK's tests (`go test`, standard library only, no module
// proxy). Each suite receives its own webhooks on localhost and verifies them with its own verifier. The
// TypeScript SDK is tested inside `npm test`. Bounded in time; stops every process it started.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runChecks } from "./lib/stack.mjs";

const DEADLINE_MS = 300_000;
const started = Date.now();
const step = (message) => console.log(`[sdks ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

const PRODUCT_PAGE =
  "<html><head><title>Widget</title><meta property='og:title' content='Widget'>" +
  "<script type='application/ld+json'>{\"@type\":\"Product\",\"name\":\"Widget\",\"offers\":{\"@type\":\"Offer\",\"price\":\"49.99\"}}</script></head>" +
  "<body><main><h1>Widget</h1><p>Price: $49.99</p></main></body></html>";

function serveSite(delivery, _req, res) {
  if (delivery.path === "/robots.txt") {
    res.writeHead(404).end();
    return true;
  }
  if (delivery.path === "/site/widget") {
    res.writeHead(200, { "Content-Type": "text/html" }).end(PRODUCT_PAGE);
    return true;
  }
  return false;
}

/**
 * Runs a command, streaming its output; rejects when it fails. Asynchronously: this process's receiver serves the
 * test site and must keep answering while the suite runs.
 */
function run(command, args, options) {
  step(`$ ${command} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code ?? signal}`));
    });
  });
}

function python() {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    try {
      const version = execFileSync(candidate, ["-c", "import sys, setuptools; print('%d.%d' % sys.version_info[:2])"], { stdio: "pipe" }).toString().trim();
      const [major, minor] = version.split(".").map(Number);
      if (major === 3 && minor >= 11) return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("no Python >= 3.11 with setuptools found");
}

async function main(stack) {
  const { apiKey } = await stack.createAccount(100_000, "sdks", { rateLimitPerMinute: 0 });
  step("account: 100,000 credits, rate limit unlimited (0): the suites send many requests a minute");
  const env = {
    ...process.env,
    LAMINA_BASE_URL: stack.base,
    LAMINA_API_KEY: apiKey,
    LAMINA_SITE_URL: stack.receiver.url("/site/widget"),
    LAMINA_OPENAPI: join(ROOT, "sdk/openapi.json"),
  };

  const scratch = mkdtempSync(join(tmpdir(), "lamina-sdk-python-"));
  try {
    const py = python();
    let t = Date.now();
    await run(py, ["-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps", "--no-index", "--target", scratch, join(ROOT, "sdk-python")], { env });
    step(`python: installed offline in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    t = Date.now();
    // The tests run from a copy, beside nothing but the installed package: what a user gets is what is tested.
    const tests = join(scratch, "lamina-tests");
    cpSync(join(ROOT, "sdk-python/tests"), tests, { recursive: true });
    await run(py, ["-m", "unittest", "discover", "-s", tests, "-t", tests, "-v"], {
      env: { ...env, PYTHONPATH: scratch, PYTHONDONTWRITEBYTECODE: "1" },
      cwd: tests,
    });
    step(`python: tests passed in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  // Go: no module proxy, no dependencies; gofmt-clean, vetted, tested.
  const goEnv = { ...env, GOFLAGS: "-mod=mod", GOPROXY: "off", GOTOOLCHAIN: "local" };
  const sdkGo = join(ROOT, "sdk-go");
  const t = Date.now();
  const unformatted = execFileSync("gofmt", ["-l", "."], { cwd: sdkGo, env: goEnv }).toString().trim();
  if (unformatted) throw new Error(`gofmt: not formatted: ${unformatted}`);
  await run("go", ["vet", "./..."], { cwd: sdkGo, env: goEnv });
  await run("go", ["test", "-count=1", "-v", "./..."], { cwd: sdkGo, env: goEnv });
  step(`go: vetted and tested in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  // The receiver examples keep compiling against the SDKs.
  await run("go", ["build", "-o", join(tmpdir(), "lamina-go-receiver"), "."], { cwd: join(ROOT, "examples/go-receiver"), env: goEnv });
  await run(python(), ["-m", "py_compile", join(ROOT, "examples/flask_receiver.py")], { env: { ...env, PYTHONPYCACHEPREFIX: join(tmpdir(), "lamina-pycache") } });
}

await runChecks({ name: "sdks", deadlineMs: DEADLINE_MS, log: step, stackOptions: { receiverHandler: serveSite }, main });
