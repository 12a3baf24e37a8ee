// `npm run bench:sheets` (and the sheet rows of `npm run bench`): sync sheet generation of a 10,000-row × 10-column
// sheet (text, integers, decimals, currencies, percentages, dates, booleans and a formula a row) as XLSX and as
// CSV, against `wrangler dev`. Two references in the same run: the same request with 100 rows (the ratio says how
// the cost grows with the rows), and SheetJS writing the same 10,000 rows in Node, in this process (a well-known
// writer on a native runtime, without HTTP, JSON or base64: the ratio says what Lamina's path costs on top).
import * as XLSX from "@e965/xlsx";
import { median, startStack } from "../scripts/lib/stack.mjs";

const RUNS = Number(process.env.BENCH_SHEET_RUNS ?? 7);
const log = (message) => console.log(`[bench:sheets] ${message}`);

export const SHEET_COLUMNS = ["Order", "Customer", "Items", "Weight", "Total", "Discount", "Date", "Paid", "Region", "Net"];

/** One sheet of `rows` orders in ten typed columns; the last column is a formula over two others. */
export function sheetRequest(format, rows) {
  const regions = ["North", "South", "East", "West"];
  return {
    format,
    styles: { header: { is_bold: true, background_color: "#1E293B", font_color: "#FFFFFF" } },
    sheets: [
      {
        name: "Orders",
        columns: SHEET_COLUMNS.map((name) => ({ name })),
        rows: Array.from({ length: rows }, (_, i) => [
          `ORD-${100000 + i}`,
          `Customer ${i % 997}, Ltd.`,
          { value: (i % 12) + 1, format: "number" },
          { value: Number(((i % 500) * 0.37).toFixed(2)), format: "decimal" },
          { value: Number(((i % 2000) * 1.25 + 9.99).toFixed(2)), format: "currency", currency_code: "EUR" },
          { value: (i % 20) / 100, format: "percentage" },
          { value: `2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`, format: "date" },
          i % 3 !== 0,
          regions[i % 4],
          `=E${i + 2}*(1-F${i + 2})`,
        ]),
      },
    ],
  };
}

/** The same rows as plain values for SheetJS: numbers, Date objects, booleans, formulas as `{f}` cells. */
function sheetJsRows(rows) {
  const request = sheetRequest("xlsx", rows).sheets[0];
  return [SHEET_COLUMNS, ...request.rows.map((row) => row.map((cell) => (typeof cell === "object" && cell !== null ? (cell.format === "date" ? new Date(cell.value) : cell.value) : typeof cell === "string" && cell.startsWith("=") ? { t: "n", f: cell.slice(1) } : cell)))];
}

function sheetJs(format, rows) {
  const times = [];
  let bytes = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const started = performance.now();
    const sheet = XLSX.utils.aoa_to_sheet(sheetJsRows(rows), { cellDates: true });
    const out = format === "xlsx" ? XLSX.write({ SheetNames: ["Orders"], Sheets: { Orders: sheet } }, { type: "buffer", bookType: "xlsx", compression: true }) : XLSX.utils.sheet_to_csv(sheet);
    if (run > 0) times.push(performance.now() - started);
    bytes = out.length;
  }
  return { ms: median(times), bytes };
}

/** The medians of RUNS sync requests (after a warm-up): the whole request, and the generation inside the Worker (Server-Timing). */
async function timeRequest(stack, apiKey, body) {
  const times = [];
  const processed = [];
  let bytes = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const res = await stack.timedPost("/sheet-generation/v1/generate", apiKey, body);
    if (res.status !== 200 || res.processMs === null) throw new Error(`sheet generation: ${res.status} ${res.text.slice(0, 300)}`);
    bytes = Buffer.from(JSON.parse(res.text).data.buffer, "base64").length;
    if (run > 0) {
      times.push(res.ms);
      processed.push(res.processMs);
    }
  }
  return { ms: median(times), processMs: median(processed), bytes };
}

/** The sheet rows, measured on a running stack. */
export async function benchSheets(stack) {
  const { apiKey } = await stack.createAccount(1_000_000, "bench-sheets", { rateLimitPerMinute: 0 });
  log("the account's rate limit: unlimited (0), so the limiter never holds a case back");
  const rows = [];
  for (const format of ["xlsx", "csv"]) {
    const small = await timeRequest(stack, apiKey, JSON.stringify(sheetRequest(format, 100)));
    const large = await timeRequest(stack, apiKey, JSON.stringify(sheetRequest(format, 10_000)));
    const native = sheetJs(format, 10_000);
    const row = {
      case: `sheet generation, 10,000 × 10 → ${format.toUpperCase()}`,
      ms: Math.round(large.ms),
      process_ms: Math.round(large.processMs),
      bytes: large.bytes,
      rows_100_ms: Math.round(small.ms),
      ratio_to_100_rows: Number((large.ms / small.ms).toFixed(1)),
      sheetjs_node_ms: Math.round(native.ms),
      // The generation inside the Worker against SheetJS's (neither has HTTP, JSON or base64 around it).
      ratio_to_sheetjs: Number((large.processMs / native.ms).toFixed(1)),
    };
    log(`${row.case}: ${row.ms} ms (generation ${row.process_ms} ms), ${(row.bytes / 1024).toFixed(0)} KiB (100 rows: ${row.rows_100_ms} ms, ×${row.ratio_to_100_rows}; SheetJS in Node: ${row.sheetjs_node_ms} ms, ×${row.ratio_to_sheetjs})`);
    rows.push(row);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stack = await startStack({ log });
  try {
    const rows = await benchSheets(stack);
    console.log("\ncase                                     10,000 rows   100 rows   ratio   generation   SheetJS (Node)   ratio");
    for (const row of rows) console.log(`${row.case.padEnd(40)} ${`${row.ms} ms`.padEnd(13)} ${`${row.rows_100_ms} ms`.padEnd(10)} ×${String(row.ratio_to_100_rows).padEnd(6)} ${`${row.process_ms} ms`.padEnd(12)} ${`${row.sheetjs_node_ms} ms`.padEnd(16)} ×${row.ratio_to_sheetjs}`);
  } finally {
    await stack.stop();
  }
}
