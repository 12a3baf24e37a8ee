// CI: the Worker (everything `wrangler deploy --dry-run --outdir dist` wrote: code, wasm, data modules) must stay
// under 48 MiB uncompressed, leaving room below Cloudflare's 64 MiB limit. Run after `npm run build:dry-run`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const LIMIT_BYTES = 48 * 1024 * 1024;
const dir = new URL("../dist/", import.meta.url).pathname;
let raw = 0;
let gzip = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || name.endsWith(".map") || name === "README.md") continue;
  const bytes = readFileSync(path);
  raw += bytes.length;
  gzip += gzipSync(bytes).length;
}
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
console.log(`Worker: ${mib(raw)} raw / ${mib(gzip)} gzip (limit ${mib(LIMIT_BYTES)} raw)`);
if (raw > LIMIT_BYTES) {
  console.error(`The Worker is ${mib(raw)}, over the ${mib(LIMIT_BYTES)} budget: load heavy data from static assets or R2 instead.`);
  process.exit(1);
}
