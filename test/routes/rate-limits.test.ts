import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config";
import { SlidingWindow } from "../../src/rate-limiter";
import { ADMIN_TOKEN, balanceOf, call, callJson, createAccount, jobsOf, type TestAccount } from "../helpers/http";
import { SMALL_IMAGE } from "../helpers/jobs";

async function setRateLimit(account: TestAccount, limit: number | null) {
  const res = await callJson(`/admin/v1/accounts/${account.accountId}`, { method: "PATCH", body: { rate_limit_per_minute: limit }, key: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  expect(res.body.data.rate_limit_per_minute).toBe(limit);
}

const generate = (account: TestAccount) => callJson("/image-generation/v1/generate", { body: SMALL_IMAGE, key: account.apiKey });

describe("rate limits", () => {
  it("puts X-RateLimit-Limit, -Remaining and -Reset on every authenticated response, errors included", async () => {
    const account = await createAccount(10);
    await setRateLimit(account, 5);
    const before = Math.floor(Date.now() / 1000);
    const ok = await generate(account);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("X-RateLimit-Limit")).toBe("5");
    expect(ok.headers.get("X-RateLimit-Remaining")).toBe("4");
    const reset = Number(ok.headers.get("X-RateLimit-Reset"));
    // The first request of the window leaves it a minute after it came.
    expect(reset).toBeGreaterThanOrEqual(before + 60);
    expect(reset).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60);

    const invalid = await callJson("/image-generation/v1/generate", { body: { layers: [] }, key: account.apiKey });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("X-RateLimit-Remaining")).toBe("3");
    const me = await callJson("/v1/me", { key: account.apiKey });
    expect(me.headers.get("X-RateLimit-Remaining")).toBe("2");
    expect(me.body.data.rate_limit_per_minute).toBe(5);
    const missing = await callJson(`/v1/jobs/${crypto.randomUUID()}`, { key: account.apiKey });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("X-RateLimit-Remaining")).toBe("1");
  });

  it("answers 429 with Retry-After past the limit, charging nothing and creating no job", async () => {
    const account = await createAccount(100);
    await setRateLimit(account, 2);
    expect((await generate(account)).status).toBe(200);
    expect((await generate(account)).status).toBe(200);
    const refused = await generate(account);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ success: false, error: "Rate limit exceeded" });
    expect(refused.headers.get("X-RateLimit-Limit")).toBe("2");
    expect(refused.headers.get("X-RateLimit-Remaining")).toBe("0");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(refused.headers.get("X-RateLimit-Reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(await balanceOf(account.accountId)).toBe(96);
    expect(await jobsOf(account.accountId)).toHaveLength(2);
    // An async request is refused the same way: nothing queued.
    const async = await callJson("/image-generation/v1/generate", {
      body: { ...SMALL_IMAGE, webhook_url: "https://hooks.example.com/never" },
      key: account.apiKey,
    });
    expect(async.status).toBe(429);
    expect(await jobsOf(account.accountId)).toHaveLength(2);
  });

  it("is exact under parallel requests: a limit of 20 lets 20 of 30 through", async () => {
    const account = await createAccount(1000);
    await setRateLimit(account, 20);
    const responses = await Promise.all(Array.from({ length: 30 }, () => generate(account)));
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    const remaining = responses.filter((res) => res.status === 200).map((res) => Number(res.headers.get("X-RateLimit-Remaining")));
    expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await balanceOf(account.accountId)).toBe(1000 - 20 * 2);
  });

  it("counts per account: one account's limit does not touch another's", async () => {
    const busy = await createAccount(10);
    const quiet = await createAccount(10);
    await setRateLimit(busy, 1);
    await setRateLimit(quiet, 1);
    expect((await callJson("/v1/me", { key: busy.apiKey })).status).toBe(200);
    expect((await callJson("/v1/me", { key: busy.apiKey })).status).toBe(429);
    expect((await callJson("/v1/me", { key: quiet.apiKey })).status).toBe(200);
  });

  it("takes an account's own limit from the admin API: 0 is unlimited and sends no headers, null is the deployment's", async () => {
    const account = await createAccount(10);
    await setRateLimit(account, 1);
    expect((await callJson("/v1/me", { key: account.apiKey })).status).toBe(200);
    expect((await callJson("/v1/me", { key: account.apiKey })).status).toBe(429);
    await setRateLimit(account, 0);
    for (let i = 0; i < 3; i++) {
      const res = await callJson("/v1/me", { key: account.apiKey });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-RateLimit-Limit")).toBeNull();
      expect(res.body.data.rate_limit_per_minute).toBe(0);
    }
    await setRateLimit(account, null);
    const res = await callJson("/v1/me", { key: account.apiKey });
    expect(res.headers.get("X-RateLimit-Limit")).toBe("1000");
    expect(res.body.data.rate_limit_per_minute).toBe(1000);
  });

  it("can be set when the account is created, and refuses bad limits with a 400 naming the field", async () => {
    const created = await callJson("/admin/v1/accounts", { body: { name: "Limited", credits: 5, rate_limit_per_minute: 1 }, key: ADMIN_TOKEN });
    expect(created.body.data.rate_limit_per_minute).toBe(1);
    const key = created.body.data.api_key;
    expect((await callJson("/v1/me", { key })).status).toBe(200);
    expect((await callJson("/v1/me", { key })).status).toBe(429);
    for (const bad of [-1, 1.5, "10"]) {
      const res = await callJson(`/admin/v1/accounts/${created.body.data.account_id}`, { method: "PATCH", body: { rate_limit_per_minute: bad }, key: ADMIN_TOKEN });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain("rate_limit_per_minute");
    }
    const unknown = await callJson(`/admin/v1/accounts/${crypto.randomUUID()}`, { method: "PATCH", body: { rate_limit_per_minute: 5 }, key: ADMIN_TOKEN });
    expect(unknown.status).toBe(404);
  });

  it("exempts /health, /openapi.json, /docs and the admin routes, and never counts them", async () => {
    const account = await createAccount(10);
    await setRateLimit(account, 1);
    for (const path of ["/health", "/openapi.json", "/docs"]) {
      const res = await call(path, { key: account.apiKey });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-RateLimit-Limit")).toBeNull();
    }
    const admin = await callJson(`/admin/v1/accounts/${account.accountId}/credits`, { body: { amount: 1 }, key: ADMIN_TOKEN });
    expect(admin.status).toBe(200);
    expect(admin.headers.get("X-RateLimit-Limit")).toBeNull();
    // The account's one request of the minute is still there to use.
    expect((await callJson("/v1/me", { key: account.apiKey })).headers.get("X-RateLimit-Remaining")).toBe("0");
  });

  it("defaults to 100 a minute when RATE_LIMIT_PER_MINUTE is unset, and reads 0 as unlimited", () => {
    expect(readConfig({} as Env).rateLimitPerMinute).toBe(100);
    expect(readConfig({ RATE_LIMIT_PER_MINUTE: "0" } as Env).rateLimitPerMinute).toBe(0);
    expect(readConfig({ RATE_LIMIT_PER_MINUTE: "250" } as Env).rateLimitPerMinute).toBe(250);
    expect(readConfig({ RATE_LIMIT_PER_MINUTE: "lots" } as Env).rateLimitPerMinute).toBe(100);
  });
});

describe("the sliding window", () => {
  it("counts a request for sixty seconds, to the second, then lets the next one in", () => {
    const window = new SlidingWindow();
    const t0 = 1_700_000_000_500;
    expect(window.hit(2, t0)).toMatchObject({ allowed: true, remaining: 1, resetAt: 1_700_000_060 });
    expect(window.hit(2, t0 + 30_000)).toMatchObject({ allowed: true, remaining: 0, resetAt: 1_700_000_060 });
    expect(window.hit(2, t0 + 59_000)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    // The first request left at 1_700_000_060; the second one is still counted.
    expect(window.hit(2, t0 + 59_600)).toMatchObject({ allowed: true, remaining: 0, resetAt: 1_700_000_090 });
    expect(window.hit(2, t0 + 60_000)).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
    // Two minutes of quiet: everything has left.
    expect(window.hit(2, t0 + 200_000)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("never lets more than the limit through in any sixty seconds", () => {
    const window = new SlidingWindow();
    const accepted: number[] = [];
    for (let ms = 0; ms < 300_000; ms += 250) {
      if (window.hit(7, ms).allowed) {
        accepted.push(ms);
      }
    }
    for (let i = 7; i < accepted.length; i++) {
      // The 8th request after any accepted one comes at least one window (in whole seconds) later.
      expect(Math.floor(accepted[i]! / 1000) - Math.floor(accepted[i - 7]! / 1000)).toBeGreaterThanOrEqual(60);
    }
    expect(accepted.length).toBe(35);
  });
});
