// `npm run bench:transform` (also the last part of `npm run bench`): image transformation chains on a 2000 × 1500
// JPEG, each as sync requests through `wrangler dev` (timed inside the Worker by its Server-Timing, and as whole
// requests) and, in the same run, as the same chain in sharp (libvips, native) in Node. Prints the median time of
// each and their ratio; writes bench/transform-results.json. Not part of `npm test`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { median, startStack } from "../scripts/lib/stack.mjs";

const RUNS = Number(process.env.BENCH_TRANSFORM_RUNS ?? 5);
const log = (message) => console.log(`[transform] ${message}`);

/** A 2000 × 1500 photo-like JPEG: smooth gradients, shapes with hard edges, and fine noise (so it compresses like a photo). */
async function photo() {
  const width = 2000;
  const height = 1500;
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const grain = (seed >> 16) % 17 - 8;
      const disc = (x - 1300) ** 2 + (y - 600) ** 2 < 350 ** 2;
      const i = (y * width + x) * 3;
      data[i] = Math.max(0, Math.min(255, (disc ? 220 : (x / width) * 200) + grain));
      data[i + 1] = Math.max(0, Math.min(255, (disc ? 120 : 90 + (y / height) * 120) + grain));
      data[i + 2] = Math.max(0, Math.min(255, (disc ? 40 : 160 - (x / width) * 100) + grain));
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

const transparent = { r: 0, g: 0, b: 0, alpha: 0 };
/** [name, input, Lamina operations, the same chain in sharp] */
function chains(input, smaller) {
  return [
    // The floor: decoding the JPEG, one pass over the pixels, encoding a JPEG, and the HTTP and base64 around them.
    ["flop → JPEG (decode + encode)", input, [{ type: "flop" }], (s) => s.flop().jpeg({ quality: 90 })],
    ["resize 1000×750 → sharpen 1 → WebP 80", input, [{ type: "resize", width_in_px: 1000, height_in_px: 750, fit: "fill" }, { type: "sharpen", sigma: 1 }, { type: "convert", format: "webp", quality: 80 }],
      (s) => s.resize(1000, 750, { fit: "fill", kernel: "lanczos3" }).sharpen({ sigma: 1 }).webp({ quality: 80 })],
    // 2000 × 1500 turned by 33° is 2494 × 2347 (5.9 megapixels), past the 4,194,304-pixel budget: this one is 1600 × 1200.
    ["rotate 33 (of a 1600 × 1200 JPEG) → JPEG", smaller, [{ type: "rotate", angle_in_degrees: 33 }], (s) => s.rotate(33, { background: transparent }).jpeg({ quality: 90 })],
    ["blur 3 → JPEG", input, [{ type: "blur", sigma: 3 }], (s) => s.blur(3).jpeg({ quality: 90 })],
    // libavif speed 8 in the Worker; sharp's effort 1 is the same aom speed.
    ["convert AVIF (quality 60, speed 8)", input, [{ type: "convert", format: "avif", quality: 60 }], (s) => s.avif({ quality: 60, effort: 1 })],
  ];
}


async function timeRuns(runs, run) {
  await run();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Runs every chain against `stack` (an account with credits is made here); returns the rows. */
export async function benchTransform(stack) {
  const { apiKey } = await stack.createAccount(1_000_000, "transform", { rateLimitPerMinute: 0 });
  log("the account's rate limit: unlimited (0), so the limiter never holds a case back");
  const input = await photo();
  const smaller = await sharp(input).resize(1600, 1200).jpeg({ quality: 90 }).toBuffer();
  const rows = [];
  for (const [name, file, operations, withSharp] of chains(input, smaller)) {
    const body = JSON.stringify({ file: { type: "base64", base64: file.toString("base64") }, operations });
    const processed = [];
    const request = await timeRuns(RUNS, async () => {
      const res = await stack.timedPost("/image-transformation/v1/transform", apiKey, body);
      if (res.status !== 200 || res.processMs === null) throw new Error(`${name}: ${res.status} ${res.text.slice(0, 300)}`);
      processed.push(res.processMs);
    });
    // The chain inside the Worker (its Server-Timing: decode, operations, encode), the warm-up left out.
    const worker = median(processed.slice(1));
    const native = await timeRuns(RUNS, () => withSharp(sharp(file)).toBuffer());
    const row = { chain: name, worker_ms: Math.round(worker), request_ms: Math.round(request), sharp_ms: Math.round(native), ratio: Number((worker / native).toFixed(1)) };
    log(`${name}: Worker ${row.worker_ms} ms (the request ${row.request_ms} ms), sharp ${row.sharp_ms} ms, ${row.ratio}×`);
    rows.push(row);
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stack = await startStack({ log });
  try {
    const rows = await benchTransform(stack);
    console.log(`\nMedian of ${RUNS} runs after a warm-up; Worker: the chain inside the Worker (Server-Timing: decode, operations, encode); request: the whole sync request through wrangler dev (HTTP, base64 both ways and charging included); sharp ${sharp.versions.sharp} in Node ${process.version}.`);
    console.table(rows);
    writeFileSync(new URL("transform-results.json", import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), runs: RUNS, sharp: sharp.versions.sharp, rows }, null, 2)}\n`);
  } finally {
    await stack.stop();
  }
}
