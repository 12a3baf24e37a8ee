// `npm run bench:corpus`: every document of the real-file corpus beside the project (`../shared/corpus/documents`)
// through document to markdown on `wrangler dev`, scored against what the corpus says each file holds:
// - the strings its source's own tests assert (Tika's and POI's `must_include` / `must_not_include`, and
//   `embedded_must_include` for attachments);
// - for the text files whose true encoding is known (charset_normalizer's), their first lines decoded in it;
// - for the files with expected outputs (pandoc's markdown, csvkit's CSV), the text of their first lines and cells.
// Strings are compared on plain text: markdown punctuation and a table's header separator row (`| --- |`) dropped,
// whitespace collapsed on both sides; a string is found in the answer as it is or with its links reduced to their
// text, as the expected outputs' links are.
// Counts refusals (with their reasons), 5xx answers, time and the isolate's heap per file (V8's heap capped at
// 128 MiB, as an isolate's is), and writes bench/corpus.json (not on a filtered run: `BENCH_CORPUS_ONLY=<text>`
// picks files by path).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectInspector } from "../scripts/lib/inspector.mjs";
import { API_PATHS, freePort, ROOT, startStack } from "../scripts/lib/stack.mjs";

const CORPUS = join(ROOT, "../shared/corpus/documents");
const log = (message) => console.log(`[corpus] ${message}`);

/** Python codec names (charset_normalizer's truth) → WHATWG labels Node's TextDecoder knows. */
const ENCODINGS = { cp1256: "windows-1256", cp1252: "windows-1252", cp1251: "windows-1251", cp1250: "windows-1250", mac_cyrillic: "x-mac-cyrillic", euc_kr: "euc-kr", cp949: "euc-kr", euc_jp: "euc-jp", shift_jis: "shift_jis", cp932: "shift_jis", gb2312: "gbk", gb18030: "gb18030", big5: "big5", koi8_r: "koi8-r", utf_8: "utf-8", ascii: "utf-8", latin_1: "windows-1252", iso8859_2: "iso-8859-2", iso8859_5: "iso-8859-5", iso8859_7: "iso-8859-7", iso8859_8: "iso-8859-8", iso8859_9: "windows-1254", cp1253: "windows-1253", cp1254: "windows-1254", cp1255: "windows-1255", utf_16: "utf-16le", tis_620: "windows-874", cp874: "windows-874" };

/** Plain text for comparing: markdown punctuation and escapes dropped, whitespace collapsed. */
const plain = (text) => text.replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, "$1").replace(/[`*_#>|~[\]]+/g, " ").replace(/\s+/g, " ").trim();

/**
 * An answer's markdown as plain text (a table's separator row dropped), and the same with each link as its text
 * alone: the expected outputs (pandoc's) are compared with their links so reduced, and a URL some tests expect is
 * only in the link's target.
 */
function comparable(markdown) {
  const text = markdown.replace(/^\|?(\s*:?-{3,}:?\s*\|)+\s*$/gm, "");
  return { markdown: plain(text), linkText: plain(text.replace(/\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)/g, "$1")) };
}

/** Up to `count` lines of `text` worth finding: not blank, not markdown scaffolding, cut to 60 characters at a word. */
function sampleLines(text, count) {
  const lines = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = plain(raw.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/^\s*([-*+]|\d+[.)])\s+/, "").replace(/\{[^}]*\}/g, ""));
    if (line.length < 4 || /^[-:=\s]+$/.test(line) || /^:::/.test(raw)) continue;
    lines.push(line.length > 60 ? line.slice(0, line.lastIndexOf(" ", 60) > 20 ? line.lastIndexOf(" ", 60) : 60) : line);
    if (lines.length === count) break;
  }
  return lines;
}

/** What a file must and must not hold, from expectations.json and the expected outputs. */
function expectationsOf(path, entry) {
  const must = [...(entry.must_include ?? []), ...(entry.embedded_must_include ?? [])].map(plain).filter(Boolean);
  const mustNot = (entry.must_not_include ?? []).map(plain).filter(Boolean);
  if (entry.encoding) {
    const label = ENCODINGS[entry.encoding.toLowerCase().replace(/-/g, "_")] ?? entry.encoding;
    try {
      must.push(...sampleLines(new TextDecoder(label).decode(readFileSync(join(CORPUS, "..", path))), 3));
    } catch {
      log(`${path}: no decoder for ${entry.encoding}`);
    }
  }
  for (const output of entry.expected_output ?? []) {
    if (output.note && /reject|all/i.test(output.note)) continue;
    const file = join(CORPUS, "..", output.path);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    if (output.format === "pandoc-markdown") must.push(...sampleLines(text, 8));
    if (output.format === "csv") must.push(...text.split(/\r?\n/).slice(0, 4).flatMap((row) => row.split(",")).map((cell) => plain(cell.replace(/^"|"$/g, ""))).filter((cell) => cell.length >= 3));
  }
  return { must: [...new Set(must)], mustNot };
}

function documents() {
  const expectations = JSON.parse(readFileSync(join(CORPUS, "expectations.json"), "utf8"));
  const only = process.env.BENCH_CORPUS_ONLY;
  const files = [];
  for (const folder of readdirSync(CORPUS)) {
    if (folder.startsWith("_") || folder.endsWith(".json")) continue;
    for (const name of readdirSync(join(CORPUS, folder))) {
      const path = `documents/${folder}/${name}`;
      if (only && !path.includes(only)) continue;
      files.push({ path, name, format: folder, ...expectationsOf(path, expectations[path] ?? {}), hasExpectations: path in expectations });
    }
  }
  return files;
}

async function main() {
  if (!existsSync(CORPUS)) throw new Error(`the corpus is not beside the project (${CORPUS})`);
  const files = documents();
  log(`${files.length} documents, ${files.reduce((sum, file) => sum + file.must.length, 0)} expected strings`);
  const inspectorPort = await freePort();
  const stack = await startStack({ processEnv: { MINIFLARE_WORKERD_V8_FLAGS: "--max-heap-size=128" }, inspectorPort });
  const inspector = await connectInspector(inspectorPort);
  const rows = [];
  try {
    const { apiKey } = await stack.createAccount(1_000_000, "corpus", { rateLimitPerMinute: 0 });
    for (const file of files) {
      const bytes = readFileSync(join(CORPUS, "..", file.path));
      const started = performance.now();
      let status = 0;
      let body = {};
      try {
        const res = await fetch(`${stack.base}${API_PATHS.MARKDOWN}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
          body: JSON.stringify({ file: { type: "base64", name: file.name, base64: bytes.toString("base64") } }),
          signal: AbortSignal.timeout(120_000),
        });
        status = res.status;
        body = await res.json().catch(() => ({}));
      } catch (err) {
        body = { error: `no answer: ${err.cause?.code ?? err.name}` };
      }
      const ms = Math.round(performance.now() - started);
      const heap = await inspector.heapMib();
      const { markdown, linkText } = comparable(body.data?.markdown ?? "");
      const found = file.must.filter((text) => markdown.includes(text) || linkText.includes(text));
      const wrongly = file.mustNot.filter((text) => markdown.includes(text));
      const row = {
        path: file.path, format: file.format, status, ms, heap_mib: heap === undefined ? null : Math.round(heap), bytes: bytes.length,
        expected: file.must.length, found: found.length, missing: file.must.filter((text) => !found.includes(text)).slice(0, 5),
        must_not_found: wrongly, ...(status === 200 ? {} : { error: body.error ?? "" }),
      };
      rows.push(row);
      log(`${status} ${file.path}: ${found.length}/${file.must.length} expected strings${wrongly.length ? `, ${wrongly.length} that must not be there` : ""}, ${ms} ms${status === 200 ? "" : `; ${String(row.error).slice(0, 140)}`}`);
    }
  } finally {
    inspector.close();
    await stack.stop();
  }
  const summary = summarize(rows);
  // A filtered run does not replace the whole corpus's figures.
  if (!process.env.BENCH_CORPUS_ONLY) writeFileSync(new URL("corpus.json", import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), summary, rows }, null, 2)}\n`);
  console.table(Object.entries(summary.by_format).map(([format, f]) => ({ format, files: f.files, answered: f.ok, refused: f.refused, "5xx": f.server_errors, expected: f.expected, found: f.found, "found %": f.expected ? Math.round((100 * f.found) / f.expected) : "—" })));
  log(`expected strings found: ${summary.found}/${summary.expected} (${summary.found_percent}%); ${summary.server_errors} 5xx; ${summary.refused} refused; must-not strings present: ${summary.must_not_found}`);
  for (const [reason, count] of Object.entries(summary.refusals)) log(`refused ${count}×: ${reason}`);
}

/** Totals, by format, and the refusals grouped by their reason (the file name taken out). */
function summarize(rows) {
  const by_format = {};
  const refusals = {};
  for (const row of rows) {
    const f = (by_format[row.format] ??= { files: 0, ok: 0, refused: 0, server_errors: 0, expected: 0, found: 0 });
    f.files++;
    f.expected += row.expected;
    f.found += row.found;
    if (row.status === 200) f.ok++;
    else if (row.status >= 500 || row.status === 0) f.server_errors++;
    else {
      f.refused++;
      const reason = String(row.error).replace(/^[^:]*: /, "").replace(/[\w.-]+\.\w{2,5}\b/g, "<file>").slice(0, 120);
      refusals[reason] = (refusals[reason] ?? 0) + 1;
    }
  }
  const total = (key) => Object.values(by_format).reduce((sum, f) => sum + f[key], 0);
  const expected = total("expected");
  const found = total("found");
  return {
    files: rows.length, ok: total("ok"), refused: total("refused"), server_errors: total("server_errors"), expected, found,
    found_percent: expected ? Math.round((1000 * found) / expected) / 10 : null,
    must_not_found: rows.reduce((sum, row) => sum + row.must_not_found.length, 0),
    by_format, refusals: Object.fromEntries(Object.entries(refusals).sort((a, b) => b[1] - a[1])),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
