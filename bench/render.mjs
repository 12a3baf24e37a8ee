// `npm run bench:render`: time per render of a fixed set of specs inside workerd (sync requests to `wrangler dev`
// on 127.0.0.1), and, in the same run, of the same specs in Node with a native peer: the same SVG (built by the
// Worker's own layer → SVG code, bundled for Node) rasterised by @resvg/resvg-js (native Rust) instead of
// resvg compiled to wasm. Prints the time per render of each and their ratio. Not part of `npm test`.
import { pathToFileURL } from "node:url";
import { Resvg as NativeResvg } from "@resvg/resvg-js";
import { startStack } from "../scripts/lib/stack.mjs";
import { bundleForNode, diskAssets } from "./node-apis.mjs";

const RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 20);

const text = (value, x, y, width, height, extra = {}) => ({
  type: "text",
  text: value,
  font_name: "Inter",
  font_size_in_px: 40,
  text_color: "#111827",
  position: { x_in_px: x, y_in_px: y },
  dimensions: { width_in_px: width, height_in_px: height },
  ...extra,
});

const SPECS = {
  "solid 800×600 (seed)": {
    dimensions: { width_in_px: 800, height_in_px: 600 },
    layers: [{ index: 0, type: "solid-color", hex_color: "#FFFFFF" }],
  },
  "og card 1200×630 (gradient + text)": {
    dimensions: { width_in_px: 1200, height_in_px: 630 },
    layers: [
      { index: 0, type: "gradient", gradient_type: "linear", angle_in_degrees: 35, colors: [{ hex_color: "#0F172A", position: 0 }, { hex_color: "#1E3A8A", position: 100 }], position: { x_in_px: 0, y_in_px: 0 }, dimensions: { width_in_px: 1200, height_in_px: 630 } },
      { index: 1, ...text("How we deliver **every** webhook exactly once, even when receivers fail", 90, 150, 1020, 300, { font_name: "Playfair Display", font_weight: "bold", font_size_in_px: 64, text_color: "#F8FAFC" }) },
      { index: 2, ...text("lamina.example/blog · 8 min read", 90, 520, 1020, 40, { font_size_in_px: 28, text_color: "#94A3B8" }) },
    ],
  },
  "card 800×1000 (layout + QR + barcode)": {
    dimensions: { width_in_px: 800, height_in_px: 1000 },
    layers: [
      { index: 0, type: "solid-color", hex_color: "#FFFFFF", border_radius: 32 },
      {
        index: 1,
        type: "layout",
        direction: "vertical",
        gap: 16,
        padding: 40,
        position: { x_in_px: 0, y_in_px: 0 },
        dimensions: { width_in_px: 800, height_in_px: 600 },
        layers: [
          { type: "text", text: "Trail Runner 3", font_name: "Montserrat", font_weight: "bold", font_size_in_px: 56, text_color: "#111827", dimensions: { width_in_px: "auto", height_in_px: "auto" } },
          { type: "text", text: "Lightweight, grippy and ready for *any* weather.", font_name: "Inter", font_size_in_px: 28, text_color: "#4B5563", dimensions: { width_in_px: 700, height_in_px: 80 } },
        ],
      },
      { index: 2, type: "qr-code", value: "https://shop.example/p/trail-runner-3", foreground_hex_color: "#111827", background_hex_color: "#FFFFFF", position: { x_in_px: 40, y_in_px: 640 }, dimensions: { width_in_px: 300, height_in_px: 300 } },
      { index: 3, type: "barcode", value: "590123412345", format: "ean13", foreground_hex_color: "#111827", background_hex_color: "#FFFFFF", position: { x_in_px: 400, y_in_px: 700 }, dimensions: { width_in_px: 360, height_in_px: 180 } },
    ],
  },
};

function timePerRun(runs, fn) {
  return async () => {
    await fn();
    await fn();
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      await fn();
    }
    return (performance.now() - started) / runs;
  };
}

/**
 * Each spec rendered by the Worker (a sync request through `stack`) and in Node by the same layout code with the
 * native resvg: the rows of `npm run bench:render`, and the image generation reference of `npm run bench`.
 */
export async function benchRender(stack, runs = RUNS) {
  const rows = [];
  // The Worker's request schema and layer → SVG code, bundled for Node, with the fetcher and the font assets.
  const { imageGeneration, layersToSvg, createUrlFetcher } = await bundleForNode({
    imageGeneration: "src/apis/image-generation/index.ts",
    layersToSvg: "src/apis/image-generation/render.ts",
    createUrlFetcher: "src/inputs/fetcher.ts",
  });
  const deps = { fetcher: createUrlFetcher(new Set()), assets: diskAssets, settings: {}, bindings: {} };
  const { apiKey } = await stack.createAccount(1_000_000, "bench-render", { rateLimitPerMinute: 0 });
  console.log("[bench:render] the account's rate limit: unlimited (0), so the limiter never holds a run back");
  for (const [name, spec] of Object.entries(SPECS)) {
    const body = JSON.stringify(spec);
    // workerd: the render inside the Worker (its Server-Timing), and the whole sync request around it.
    const processed = [];
    const requestMs = await timePerRun(runs, async () => {
      const res = await stack.timedPost("/image-generation/v1/generate", apiKey, body);
      if (res.status !== 200 || res.processMs === null) {
        throw new Error(`${name}: ${res.status} ${res.text.slice(0, 300)}`);
      }
      processed.push(res.processMs);
    })();
    // The mean of the timed calls (timePerRun makes 2 warm-up calls first).
    const workerd = processed.slice(2).reduce((sum, ms) => sum + ms, 0) / runs;
    const input = imageGeneration.request.parse(spec);
    let laidOut;
    const satoriMs = await timePerRun(runs, async () => {
      laidOut = await layersToSvg(input, deps);
    })();
    // The images satori placed as placeholders go to resvg as the Worker hands them over (svg.ts ImageStore).
    const { svg, resolve } = laidOut.images.restore(laidOut.svg);
    const nativeMs = await timePerRun(runs, async () => {
      const resvg = new NativeResvg(svg, { font: { loadSystemFonts: false } });
      for (const href of resvg.imagesToResolve()) resvg.resolveImage(href, Buffer.from(resolve.get(href)));
      resvg.render().asPng();
    })();
    rows.push({ name, workerd_ms: workerd, workerd_request_ms: requestMs, node_satori_ms: satoriMs, node_native_resvg_ms: nativeMs, node_total_ms: satoriMs + nativeMs });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stack = await startStack({ log: (message) => console.log(`[bench:render] ${message}`) });
  let rows;
  try {
    rows = await benchRender(stack);
  } finally {
    await stack.stop();
  }
  console.log(`\nTime per render, ${RUNS} runs each after 2 warm-ups (workerd: the render inside the Worker, from its Server-Timing; request: the whole sync request through wrangler dev, HTTP, auth, charging and base64 included)`);
  console.log(`  ${"spec".padEnd(40)} ${"request".padStart(10)} ${"workerd".padStart(10)} ${"node: satori".padStart(13)} ${"+ native resvg".padStart(15)} ${"= node total".padStart(13)} ${"ratio".padStart(7)}`);
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(40)} ${`${row.workerd_request_ms.toFixed(1)} ms`.padStart(10)} ${`${row.workerd_ms.toFixed(1)} ms`.padStart(10)} ${`${row.node_satori_ms.toFixed(1)} ms`.padStart(13)} ${`${row.node_native_resvg_ms.toFixed(1)} ms`.padStart(15)} ${`${row.node_total_ms.toFixed(1)} ms`.padStart(13)} ${`${(row.workerd_ms / row.node_total_ms).toFixed(2)}×`.padStart(7)}`,
    );
  }
  process.exit(0);
}
