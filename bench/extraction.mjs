// `npm run bench:extraction`: runs the built-in extraction engine (the Worker's own code, bundled for Node)
// over the corpora in test/fixtures/extraction: the 40 generated documents, the 8 hand-written "wild" ones and
// the 6 hand-written "holdout" ones. Prints field-level precision, recall and F1, overall and per field type, and the time per page by
// format; `--verbose` lists every miss; `--corpus DIR` runs one other corpus laid out the same way.
// Writes bench/extraction-results.json (default corpora only).
import { build } from "esbuild";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { scoreDocument, summarize } from "./extraction-score.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const verbose = process.argv.includes("--verbose");
const corpusOption = process.argv.indexOf("--corpus");
const CORPORA =
  corpusOption > 0
    ? [{ name: process.argv[corpusOption + 1], dir: process.argv[corpusOption + 1] }]
    : [
        { name: "generated", dir: join(ROOT, "test/fixtures/extraction") },
        { name: "wild (hand-written)", dir: join(ROOT, "test/fixtures/extraction/wild") },
        { name: "holdout (hand-written later)", dir: join(ROOT, "test/fixtures/extraction/holdout") },
      ];
// The corpus's dates lie in 2025 and 2026; "today" is fixed so date rules give the same answer every day.
const TODAY = "2026-11-30";

const dir = mkdtempSync(join(tmpdir(), "lamina-extraction-"));
let engine;
try {
  const bundle = join(dir, "engine.mjs");
  await build({
    entryPoints: [join(ROOT, "bench/extraction-entry.ts")], bundle: true, format: "esm", platform: "node", outfile: bundle, logLevel: "error",
    conditions: ["workerd", "worker", "browser"],
    // Some CommonJS dependencies require Node built-ins (yaml reads `process`): give the bundle a require.
    banner: { js: "import { createRequire as __benchRequire } from \"node:module\"; const require = __benchRequire(import.meta.url);" },
  });
  engine = await import(pathToFileURL(bundle).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const pct = (value) => `${(value * 100).toFixed(1)}%`.padStart(7);
const results = {};

for (const { name, dir: corpusDir } of CORPORA) {
  const corpus = JSON.parse(readFileSync(join(corpusDir, "corpus.json"), "utf8"));
  const tally = {};
  const timings = {};
  let pages = 0;
  // One warm-up pass so module initialization and JIT do not count against the first document.
  for (const entry of corpus.slice(0, 3)) {
    await engine.readLineDocuments(new Uint8Array(readFileSync(join(corpusDir, "docs", entry.file))), entry.file);
  }
  for (const entry of corpus) {
    const bytes = new Uint8Array(readFileSync(join(corpusDir, "docs", entry.file)));
    const { schema } = engine.ExtractDocumentRequestSchema.parse({ files: [{ type: "base64", base64: "AA==" }], schema: entry.schema });
    const started = performance.now();
    const documents = await engine.readLineDocuments(bytes, entry.file);
    const data = engine.finalizeExtraction(schema.fields, engine.extractBuiltIn(documents, schema.fields, TODAY));
    const elapsed = performance.now() - started;
    const documentPages = documents.reduce((sum, doc) => sum + doc.pages, 0);
    pages += documentPages;
    (timings[entry.format] ??= []).push(elapsed / documentPages);
    const misses = scoreDocument(schema.fields, entry.expected, data, tally);
    if (verbose && misses.length > 0) console.log(`${entry.file}:\n  ${misses.join("\n  ")}`);
  }
  const { overall, byType } = summarize(tally);
  console.log(`\n${name}: built-in engine over ${corpus.length} documents (${pages} pages), field level`);
  console.log(`${"type".padEnd(16)} ${"tp".padStart(4)} ${"fp".padStart(4)} ${"fn".padStart(4)} precision  recall      F1`);
  for (const row of [...byType, { type: "OVERALL", ...overall }]) {
    console.log(`${row.type.padEnd(16)} ${String(row.tp).padStart(4)} ${String(row.fp).padStart(4)} ${String(row.fn).padStart(4)}   ${pct(row.precision)} ${pct(row.recall)} ${pct(row.f1)}`);
  }
  const all = Object.values(timings).flat().sort((p, q) => p - q);
  const mean = (list) => list.reduce((sum, value) => sum + value, 0) / list.length;
  const perFormat = Object.fromEntries(Object.entries(timings).map(([format, list]) => [format, mean(list)]));
  console.log(
    `time per page (read + extract, Node ${process.version}): mean ${mean(all).toFixed(1)} ms, p95 ${all[Math.min(all.length - 1, Math.floor(all.length * 0.95))].toFixed(1)} ms; ` +
      Object.entries(perFormat).map(([format, ms]) => `${format} ${ms.toFixed(1)}`).join(", "),
  );
  results[name] = { documents: corpus.length, pages, overall, byType, msPerPage: { mean: mean(all), byFormat: perFormat } };
}

// Scale: one long text document (the generated US text invoice 300 times over), the invoice schema.
if (corpusOption < 0) {
  const corpus = JSON.parse(readFileSync(join(CORPORA[0].dir, "corpus.json"), "utf8"));
  const entry = corpus.find((candidate) => candidate.format === "txt" && candidate.kind === "invoice");
  const big = Array.from({ length: 300 }, () => readFileSync(join(CORPORA[0].dir, "docs", entry.file), "utf8")).join("\n");
  const { schema } = engine.ExtractDocumentRequestSchema.parse({ files: [{ type: "base64", base64: "AA==" }], schema: entry.schema });
  const started = performance.now();
  const documents = await engine.readLineDocuments(new TextEncoder().encode(big), "big.txt");
  const read = performance.now();
  engine.finalizeExtraction(schema.fields, engine.extractBuiltIn(documents, schema.fields, TODAY));
  const done = performance.now();
  const lines = documents[0].lines.length;
  console.log(`\nscale: ${entry.file} ×300 (${(big.length / 1024).toFixed(0)} KiB, ${lines} lines), ${schema.fields.length} fields: read ${(read - started).toFixed(0)} ms, extract ${(done - read).toFixed(0)} ms`);
  results.scale = { lines, fields: schema.fields.length, read_ms: Math.round(read - started), extract_ms: Math.round(done - read) };
}

if (corpusOption < 0) writeFileSync(join(ROOT, "bench/extraction-results.json"), `${JSON.stringify(results, null, 2)}\n`);
