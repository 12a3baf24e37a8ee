// `npm run bench:extraction`: runs the built-in extraction engine (the Worker's own code, bundled for Node)
// over the corpus in test/fixtures/extraction and prints field-level precision, recall and F1, overall and
// per field type, the time per page, and (with --verbose) every miss. Writes bench/extraction-results.json.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { scoreDocument, summarize } from "./extraction-score.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const corpusOption = process.argv.indexOf("--corpus");
// `--corpus DIR`: another corpus laid out the same way (generate.mjs --seed N --out DIR makes a held-out one).
const CORPUS = corpusOption > 0 ? process.argv[corpusOption + 1] : join(ROOT, "test/fixtures/extraction");
const writeResults = corpusOption < 0;
const verbose = process.argv.includes("--verbose");
// The corpus's dates lie in 2025 and 2026; "today" is fixed so date rules give the same answer every day.
const TODAY = "2026-11-30";

const dir = mkdtempSync(join(tmpdir(), "lamina-extraction-"));
let engine;
try {
  const bundle = join(dir, "engine.mjs");
  await build({ entryPoints: [join(ROOT, "bench/extraction-entry.ts")], bundle: true, format: "esm", platform: "node", outfile: bundle, logLevel: "error", conditions: ["workerd", "worker", "browser"],
    // Some CommonJS dependencies require Node built-ins (yaml reads `process`): give the bundle a require.
    banner: { js: "import { createRequire as __benchRequire } from \"node:module\"; const require = __benchRequire(import.meta.url);" } });
  engine = await import(pathToFileURL(bundle).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const corpus = JSON.parse(readFileSync(join(CORPUS, "corpus.json"), "utf8"));
const tally = {};
const timings = [];
let pages = 0;
const perDocument = [];
// One warm-up pass so module initialization and JIT do not count against the first document.
await engine.readDocuments(readFileSync(join(CORPUS, "docs", corpus[0].file)), corpus[0].file);

for (const entry of corpus) {
  const bytes = new Uint8Array(readFileSync(join(CORPUS, "docs", entry.file)));
  const { schema } = engine.ExtractDocumentRequestSchema.parse({ files: [{ type: "base64", base64: "AA==" }], schema: entry.schema });
  const started = performance.now();
  const documents = await engine.readDocuments(bytes, entry.file);
  const data = engine.finalizeExtraction(schema.fields, engine.extractBuiltIn(documents, schema.fields, TODAY));
  const elapsed = performance.now() - started;
  const documentPages = documents.reduce((sum, doc) => sum + doc.pages, 0);
  pages += documentPages;
  timings.push(elapsed / documentPages);
  const misses = scoreDocument(schema.fields, entry.expected, data, tally);
  perDocument.push({ file: entry.file, misses: misses.length, ms: Math.round(elapsed * 10) / 10 });
  if (verbose && misses.length > 0) {
    console.log(`${entry.file}:\n  ${misses.join("\n  ")}`);
  }
}

const { overall, byType } = summarize(tally);
const pct = (value) => `${(value * 100).toFixed(1)}%`.padStart(7);
console.log(`\nBuilt-in engine over ${corpus.length} documents (${pages} pages), field level:`);
console.log(`${"type".padEnd(16)} ${"tp".padStart(4)} ${"fp".padStart(4)} ${"fn".padStart(4)} precision  recall      F1`);
for (const row of byType) {
  console.log(`${row.type.padEnd(16)} ${String(row.tp).padStart(4)} ${String(row.fp).padStart(4)} ${String(row.fn).padStart(4)}   ${pct(row.precision)} ${pct(row.recall)} ${pct(row.f1)}`);
}
console.log(`${"OVERALL".padEnd(16)} ${String(overall.tp).padStart(4)} ${String(overall.fp).padStart(4)} ${String(overall.fn).padStart(4)}   ${pct(overall.precision)} ${pct(overall.recall)} ${pct(overall.f1)}`);
timings.sort((p, q) => p - q);
const mean = timings.reduce((sum, value) => sum + value, 0) / timings.length;
const p95 = timings[Math.min(timings.length - 1, Math.floor(timings.length * 0.95))];
console.log(`\nTime per page (read + extract, Node ${process.version}): mean ${mean.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
const worst = [...perDocument].sort((p, q) => q.misses - p.misses).slice(0, 5).filter((doc) => doc.misses > 0);
if (worst.length > 0) console.log(`Most misses: ${worst.map((doc) => `${doc.file} (${doc.misses})`).join(", ")}`);
if (writeResults) writeFileSync(join(ROOT, "bench/extraction-results.json"), `${JSON.stringify({ documents: corpus.length, pages, overall, byType, msPerPage: { mean, p95 } }, null, 2)}\n`);
