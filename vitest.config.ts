import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        // main, bindings, queues (with their consumers) and the cron trigger all come from wrangler.toml.
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            // Pinned so a developer's .dev.vars (which `npm run dev` writes with local receivers) cannot loosen
            // the webhook URL rules the tests assert.
            DEV_HOSTS: "",
            // Short enough that the real queues run a full retry cycle in seconds.
            WEBHOOK_TIMEOUT_MS: "500",
            WEBHOOK_RETRY_DELAYS_SECONDS: "1,1,1",
            WEBHOOK_RETRY_AFTER_MAX_SECONDS: "3",
            // Above what any one test sends per account, so every response still carries the headers; the
            // limiter's own tests give their accounts small limits through the admin API.
            RATE_LIMIT_PER_MINUTE: "1000",
            RESULT_URL_SECRET: "test-result-url-secret",
            // Short, so the revocation bound is tested in about a second.
            API_KEY_CACHE_SECONDS: "1",
          },
        },
      }),
    ],
    // The extraction corpus is read by the accuracy test as `?inline` data URLs, whatever the file type.
    assetsInclude: ["**/fixtures/extraction/**/docs/**", "**/fixtures/image-transformation/*.heic", "**/fixtures/image-transformation/*.avif", "**/fixtures/charset/*", "**/fixtures/spreadsheets/*.{xls,xlsx,xlsb,ods}", "**/fixtures/docx/*.docx", "**/fixtures/pptx/*.pptx", "**/fixtures/office97/*.{doc,ppt,msg}", "**/fixtures/html/*.html", "**/fixtures/archive/*.zip", "**/fixtures/model-images/*.{bmp,tif,ppm,pgm,pbm,jp2,png}", "**/fixtures/markup/*.{org,rst,tex,dj,ipynb,bib,rss,atom,typ,toml,mdx}", "**/shared/corpus/documents/**"],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 30_000,
      // Most test time is spent waiting on real queue batches and retry delays, not CPU: running 3 files at a
      // time takes the suite from ~80 s to ~30 s on 2 cores.
      maxWorkers: 3,
      // Off: with the on-disk module cache, each fresh workerd runner asks for every cached module of its files'
      // import graphs in one message (vitest's fetchWarmModules, inlined by the Cloudflare pool), and once the
      // lazily loaded renderers and readers (pdf.js, bwip-js: ~4 MB of code with source maps) are in that graph
      // the message passes workerd's WebSocket limit and the runner dies ("Message is too large").
      fsModuleCache: false,
      // The Worker logs one JSON line per job event; keep test output readable, but show everything else.
      onConsoleLog: (log: string) => !log.startsWith('{"event":"job_') && !log.startsWith('{"event":"delivery_'),
    },
  };
});
