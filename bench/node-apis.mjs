// The Worker's own API code bundled for Node, as the reference of `npm run bench`'s processing figures for the APIs
// with no native counterpart: the same libraries (PDF.js, pdfmake, docx, the extraction engine) on Node's V8,
// called with the same validated input, without workerd, HTTP or D1 around them.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median, ROOT } from "../scripts/lib/stack.mjs";

const API_MODULES = {
  document_extraction: ["documentExtraction", "src/apis/document-extraction/index.ts"],
  document_to_markdown: ["documentToMarkdown", "src/apis/document-to-markdown/index.ts"],
  document_generation: ["documentGeneration", "src/apis/document-generation/index.ts"],
  website_extraction: ["websiteExtraction", "src/apis/website-extraction/index.ts"],
};

/**
 * A fetcher that answers from `pages` (URL path → HTML) without the network, as the guarded fetcher answers: each
 * hop checked by the caller first (robots.txt), a missing path a 404 where the caller accepts one. The bench's
 * pages are served by the stack's HTTPS receiver, whose throwaway CA only workerd trusts.
 */
function memoryFetcher(pages) {
  return {
    async fetchBytes(url, request) {
      await request.beforeHop?.(url);
      const body = pages[new URL(url).pathname];
      if (body === undefined) {
        if (request.allowErrorStatus) return { bytes: new Uint8Array(0), url, status: 404, contentType: "text/plain", headers: new Headers(), redirects: [] };
        throw new Error(`${request.where}: no page at ${url}`);
      }
      const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
      return { bytes: new TextEncoder().encode(body), url, status: 200, contentType: headers.get("Content-Type"), headers, redirects: [] };
    },
  };
}

/** The Worker's font and docs assets read from assets/ (npm install writes them), as the ASSETS binding serves them. */
export const diskAssets = {
  read: async (path) => {
    const bytes = readFileSync(join(ROOT, "assets", path));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  },
};

/**
 * `exports` (name → path under the repository) bundled for Node and imported. With `workerBuilds`, packages resolve
 * to the builds Wrangler gives the Worker (and pptxgenjs's Node-only imports to the same stub); without it, to their
 * Node builds (satori's, whose Worker build imports wasm as a module).
 */
export async function bundleForNode(exports, { workerBuilds = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lamina-bench-bundle-"));
  try {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, Object.entries(exports).map(([name, path]) => `export { ${name} } from ${JSON.stringify(join(ROOT, path))};`).join("\n") + "\n");
    const outfile = join(dir, "bundle.mjs");
    await build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile,
      logLevel: "error",
      loader: { ".wasm": "empty", ".ttf": "empty" },
      ...(workerBuilds
        ? {
            conditions: ["workerd", "worker", "browser"],
            alias: { "node:fs": join(ROOT, "src/stubs/node-builtin.ts"), "node:https": join(ROOT, "src/stubs/node-builtin.ts") },
          }
        : {}),
      banner: { js: "import { createRequire as benchCreateRequire } from 'node:module'; const require = benchCreateRequire(import.meta.url);" },
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `{ time(apiId, body, runs) }`: the median ms of `runs` Node runs of the API's process() on `body`, after a warm-up.
 * With `pages`, URLs are answered from memory (memoryFetcher) instead of fetched.
 */
export async function loadNodeApis({ pages } = {}) {
  const modules = await bundleForNode(
    { ...Object.fromEntries(Object.values(API_MODULES)), createUrlFetcher: "src/inputs/fetcher.ts" },
    { workerBuilds: true },
  );
  const deps = { fetcher: pages ? memoryFetcher(pages) : modules.createUrlFetcher(new Set()), assets: diskAssets, settings: {}, bindings: {} };
  return {
    async time(apiId, body, runs = 5) {
      const api = modules[API_MODULES[apiId][0]];
      const input = api.request.parse(typeof body === "string" ? JSON.parse(body) : body);
      await api.process(input, deps);
      const times = [];
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        await api.process(input, deps);
        times.push(performance.now() - started);
      }
      return median(times);
    },
  };
}
