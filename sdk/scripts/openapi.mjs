// Writes the server's OpenAPI document (generated from its zod schemas) to sdk/openapi.json, the one source the
// SDK's types are generated from. `--check` fails instead when the committed file differs.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeOrCheck } from "./write-or-check.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OUT = join(ROOT, "sdk/openapi.json");

export async function serverOpenApi() {
  const dir = mkdtempSync(join(tmpdir(), "lamina-openapi-"));
  try {
    const bundle = join(dir, "app.mjs");
    await build({ entryPoints: [join(ROOT, "src/app.ts")], bundle: true, format: "esm", platform: "neutral", outfile: bundle, logLevel: "error", mainFields: ["module", "main"],
      // Only the OpenAPI document is wanted: the renderer's wasm and fonts, loaded lazily by requests, never run here.
      conditions: ["workerd", "worker", "browser"],
      loader: { ".wasm": "empty", ".ttf": "empty" },
      // Papa Parse's Node-only streaming code requires `stream`, libheif's glue `fs` and `path` on its Node path,
      // JSZip's (under docx and pptxgenjs) `events` and `util`; nothing here calls them (Wrangler uses the browser
      // builds; the writers load with the first document). `node:fs`/`node:https` go where wrangler.toml sends them.
      external: ["stream", "fs", "path", "crypto", "events", "util"],
      alias: { "node:fs": join(ROOT, "src/stubs/node-builtin.ts"), "node:https": join(ROOT, "src/stubs/node-builtin.ts") } });
    const { createApp } = await import(pathToFileURL(bundle).href);
    const response = await createApp().request("/openapi.json", {}, {});
    return `${JSON.stringify(await response.json(), null, 2)}\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeOrCheck(OUT, await serverOpenApi(), ROOT);
}
