// The SDK's own build, as a Node user gets it: ESM from sdk/dist, no dependencies. Run by `npm run test:sdk`.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decodeBuffer, Lamina, LaminaError, verifyWebhook } from "../dist/index.js";

test("the package has no runtime dependencies and exports ESM with type declarations", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url)));
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.exports["."].import, "./dist/index.js");
  assert.match(readFileSync(new URL("../dist/index.d.ts", import.meta.url), "utf8"), /export declare function verifyWebhook/);
});

test("baseUrl defaults to LAMINA_BASE_URL where process.env exists", async () => {
  process.env.LAMINA_BASE_URL = "https://lamina.example/";
  const seen = [];
  const client = new Lamina({
    apiKey: "il_test",
    fetch: async (url, init) => {
      seen.push([url, init.headers.Authorization]);
      return new Response(JSON.stringify({ success: true, data: { account_id: "a", name: "n", credits: 5 } }));
    },
  });
  assert.deepEqual(await client.me(), { account_id: "a", name: "n", credits: 5 });
  assert.deepEqual(seen, [["https://lamina.example/v1/me", "Bearer il_test"]]);
  delete process.env.LAMINA_BASE_URL;
  assert.throws(() => new Lamina({ apiKey: "il_test" }), /baseUrl is required/);
});

test("errors carry the status and the server's message", async () => {
  const client = new Lamina({
    apiKey: "il_test",
    baseUrl: "https://lamina.example",
    fetch: async () => new Response(JSON.stringify({ success: false, error: "Insufficient credits" }), { status: 402 }),
  });
  await assert.rejects(client.me(), (err) => err instanceof LaminaError && err.status === 402 && err.message === "Insufficient credits");
});

test("verifyWebhook accepts a Standard Webhooks signature made with node:crypto, and refuses a tampered body", async () => {
  const key = randomBytes(32);
  const secret = `whsec_${key.toString("base64")}`;
  const body = JSON.stringify({ success: true, api: "image_generation", job_id: "j", data: { buffer: "iVBORw==", mime_type: "image/png" } });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", key).update(`j.${timestamp}.${body}`).digest("base64");
  const headers = { "webhook-id": "j", "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
  const payload = await verifyWebhook(body, headers, secret);
  assert.equal(payload.job_id, "j");
  assert.deepEqual(Array.from(decodeBuffer(payload.data)), [0x89, 0x50, 0x4e, 0x47]);
  await assert.rejects(verifyWebhook(body.replace('"j"', '"k"'), headers, secret), /No matching/);
});
