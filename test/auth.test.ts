import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apis } from "../src/apis";
import { ADMIN_TOKEN, call, callJson, createAccount } from "./helpers/http";
import { fetchWithEnv } from "./helpers/worker";

/** Every route that needs an API key, with a body that would otherwise be valid. */
const keyedRoutes: { method: string; path: string }[] = [
  { method: "GET", path: "/v1/me" },
  { method: "GET", path: `/v1/jobs/${crypto.randomUUID()}` },
  { method: "POST", path: `/v1/jobs/${crypto.randomUUID()}/redeliver` },
  { method: "GET", path: "/v1/webhook-secret" },
  { method: "POST", path: "/v1/webhook-secret/rotate" },
  ...apis.flatMap((api) => [api.path, ...api.aliases].map((path) => ({ method: "POST", path }))),
];

const adminRoutes: { method: string; path: string; body?: unknown }[] = [
  { method: "POST", path: "/admin/v1/accounts", body: { name: "x", credits: 1 } },
  { method: "POST", path: `/admin/v1/accounts/${crypto.randomUUID()}/credits`, body: { amount: 1 } },
  { method: "POST", path: `/admin/v1/accounts/${crypto.randomUUID()}/api-keys` },
  { method: "DELETE", path: `/admin/v1/api-keys/${crypto.randomUUID()}` },
];

describe.each(keyedRoutes)("$method $path", ({ method, path }) => {
  const body = method === "POST" && !path.startsWith("/v1/") ? {} : undefined;

  it("rejects a request without an API key with 401", async () => {
    const res = await callJson(path, { method, body });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: expect.stringContaining("Missing API key") });
  });

  it("rejects an unknown API key with 401", async () => {
    const res = await callJson(path, { method, body, key: `il_${"ab".repeat(24)}` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: "Invalid or revoked API key" });
  });

  it("rejects a malformed Authorization header with 401", async () => {
    const res = await callJson(path, { method, body, headers: { Authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(res.body.success).toBe(false);
  });

  it("rejects a revoked API key with 401", async () => {
    const account = await createAccount(10);
    const revoke = await callJson(`/admin/v1/api-keys/${account.apiKeyId}`, { method: "DELETE", key: ADMIN_TOKEN });
    expect(revoke.status).toBe(200);
    const res = await callJson(path, { method, body, key: account.apiKey });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: "Invalid or revoked API key" });
  });
});

describe.each(adminRoutes)("admin $method $path", ({ method, path, body }) => {
  it("rejects a missing admin token with 401", async () => {
    const res = await callJson(path, { method, body });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: "Invalid admin token" });
  });

  it("rejects an API key in place of the admin token with 401", async () => {
    const account = await createAccount(1);
    const res = await callJson(path, { method, body, key: account.apiKey });
    expect(res.status).toBe(401);
  });

  it("answers 404 when ADMIN_TOKEN is not configured, even with a token", async () => {
    const request = new Request(`https://lamina.test${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const res = await fetchWithEnv(request, { ADMIN_TOKEN: "" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, error: "Not found" });
  });
});

it("issues keys of the form il_ + 48 hex characters and stores only their hash", async () => {
  const account = await createAccount(1);
  expect(account.apiKey).toMatch(/^il_[0-9a-f]{48}$/);
  const { env } = await import("cloudflare:workers");
  const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?1").bind(account.apiKeyId).first<Record<string, string>>();
  expect(row!.key_hash).toMatch(/^[0-9a-f]{64}$/);
  expect(Object.values(row!)).not.toContain(account.apiKey);
  expect(row!.prefix).toBe(account.apiKey.slice(0, 10));
});

it("keeps other keys of the account working after one is revoked", async () => {
  const account = await createAccount(5);
  const second = await callJson(`/admin/v1/accounts/${account.accountId}/api-keys`, { method: "POST", key: ADMIN_TOKEN });
  expect(second.status).toBe(201);
  await call(`/admin/v1/api-keys/${account.apiKeyId}`, { method: "DELETE", key: ADMIN_TOKEN });
  const me = await callJson("/v1/me", { key: second.body.data.api_key });
  expect(me.status).toBe(200);
  expect(me.body.data.account_id).toBe(account.accountId);
});

describe("the isolate's API key cache", () => {
  it("stops a key revoked through another isolate within API_KEY_CACHE_SECONDS (1 s in the tests), and one revoked here at once", async () => {
    const account = await createAccount(10);
    expect((await callJson("/v1/me", { key: account.apiKey })).status).toBe(200);
    // Revoked in D1 by someone else: this isolate still knows the key for at most the cache's time.
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1").bind(account.apiKeyId, new Date().toISOString()).run();
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3000) {
      status = (await callJson("/v1/me", { key: account.apiKey })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThanOrEqual(1_300);

    const other = await createAccount(10);
    expect((await callJson("/v1/me", { key: other.apiKey })).status).toBe(200);
    expect((await callJson(`/admin/v1/api-keys/${other.apiKeyId}`, { method: "DELETE", key: ADMIN_TOKEN })).status).toBe(200);
    expect((await callJson("/v1/me", { key: other.apiKey })).status).toBe(401);
  });
});
