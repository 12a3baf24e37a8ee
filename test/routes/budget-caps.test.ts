import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { failJobAndRefund } from "../../src/db/credits";
import { ADMIN_TOKEN, balanceOf, callJson, createAccount, jobsOf, type TestAccount } from "../helpers/http";
import { FAILING_IMAGE, FAILING_IMAGE_MESSAGE, SMALL_IMAGE } from "../helpers/jobs";

async function setCap(apiKeyId: string, cap: number | null) {
  const res = await callJson(`/admin/v1/api-keys/${apiKeyId}`, { method: "PATCH", body: { monthly_budget_cap: cap }, key: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  expect(res.body.data.monthly_budget_cap).toBe(cap);
}

/** A second key of the account, with its own cap. */
async function addKey(account: TestAccount, cap?: number | null): Promise<{ apiKey: string; apiKeyId: string }> {
  const res = await callJson(`/admin/v1/accounts/${account.accountId}/api-keys`, {
    body: cap === undefined ? {} : { monthly_budget_cap: cap },
    key: ADMIN_TOKEN,
  });
  expect(res.status).toBe(201);
  expect(res.body.data.monthly_budget_cap).toBe(cap ?? null);
  return { apiKey: res.body.data.api_key, apiKeyId: res.body.data.api_key_id };
}

const generate = (key: string, body: unknown = SMALL_IMAGE) => callJson("/image-generation/v1/generate", { body, key });
const month = () => new Date().toISOString().slice(0, 7);

describe("budget caps", () => {
  it("lets a key spend up to its monthly cap, then answers 402 Budget cap exceeded, charging nothing", async () => {
    const account = await createAccount(100);
    await setCap(account.apiKeyId, 5);
    expect((await generate(account.apiKey)).status).toBe(200);
    expect((await generate(account.apiKey)).status).toBe(200);
    const refused = await generate(account.apiKey);
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual({ success: false, error: "Budget cap exceeded" });
    expect(await balanceOf(account.accountId)).toBe(96);
    expect(await jobsOf(account.accountId)).toHaveLength(2);
    // One credit is left under the cap: a 1-credit transformation still goes through.
    const me = await callJson("/v1/me", { key: account.apiKey });
    expect(me.body.data.api_key).toEqual({ id: account.apiKeyId, prefix: account.apiKey.slice(0, 10), monthly_budget_cap: 5, month: month(), spent_this_month: 4 });
  });

  it("refuses an async request past the cap the same way: no job, nothing queued", async () => {
    const account = await createAccount(100);
    await setCap(account.apiKeyId, 1);
    const res = await callJson("/image-generation/v1/generate", {
      body: { ...SMALL_IMAGE, webhook_url: "https://hooks.example.com/never" },
      key: account.apiKey,
    });
    expect(res.status).toBe(402);
    expect(res.body.error).toBe("Budget cap exceeded");
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it("still says Insufficient credits when the balance is what is short", async () => {
    const account = await createAccount(1);
    await setCap(account.apiKeyId, 100);
    const res = await generate(account.apiKey);
    expect(res.status).toBe(402);
    expect(res.body.error).toBe("Insufficient credits");
  });

  it("holds under parallel requests: a cap of 10 passes exactly 5 of 12 two-credit requests", async () => {
    const account = await createAccount(1000);
    await setCap(account.apiKeyId, 10);
    const responses = await Promise.all(Array.from({ length: 12 }, () => generate(account.apiKey)));
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(responses.filter((res) => res.status === 402).every((res) => res.body.error === "Budget cap exceeded")).toBe(true);
    expect(statuses.filter((status) => status === 402)).toHaveLength(7);
    expect(await balanceOf(account.accountId)).toBe(990);
    expect((await callJson("/v1/me", { key: account.apiKey })).body.data.api_key.spent_this_month).toBe(10);
  });

  it("caps each key on its own while they share the account's credits", async () => {
    const account = await createAccount(100);
    await setCap(account.apiKeyId, 2);
    const second = await addKey(account, 4);
    const uncapped = await addKey(account);
    expect((await generate(account.apiKey)).status).toBe(200);
    expect((await generate(account.apiKey)).status).toBe(402);
    expect((await generate(second.apiKey)).status).toBe(200);
    expect((await generate(second.apiKey)).status).toBe(200);
    expect((await generate(second.apiKey)).status).toBe(402);
    for (let i = 0; i < 3; i++) {
      expect((await generate(uncapped.apiKey)).status).toBe(200);
    }
    expect(await balanceOf(account.accountId)).toBe(100 - 6 * 2);
    const me = await callJson("/v1/me", { key: uncapped.apiKey });
    expect(me.body.data.api_key).toMatchObject({ monthly_budget_cap: null, spent_this_month: 6 });
  });

  it("gives a refund back to the key's budget: a failed job does not use up the cap", async () => {
    const account = await createAccount(100);
    await setCap(account.apiKeyId, 2);
    const failed = await generate(account.apiKey, FAILING_IMAGE);
    expect(failed.status).toBe(422);
    expect(failed.body.error).toBe(FAILING_IMAGE_MESSAGE);
    expect((await callJson("/v1/me", { key: account.apiKey })).body.data.api_key.spent_this_month).toBe(0);
    expect((await generate(account.apiKey)).status).toBe(200);
    expect((await generate(account.apiKey)).status).toBe(402);
  });

  it("refunds a job's spend to the month it was charged in, once however often it is asked", async () => {
    const account = await createAccount(100);
    const ok = await generate(account.apiKey);
    expect(ok.status).toBe(200);
    const [job] = await jobsOf(account.accountId);
    // As if charged last month.
    await env.DB.prepare("UPDATE jobs SET created_at = '2026-01-15T10:00:00.000Z', status = 'processing' WHERE id = ?1").bind(job!.id).run();
    await env.DB.prepare("INSERT INTO api_key_spend (api_key_id, month, spent) VALUES (?1, '2026-01', 2)").bind(account.apiKeyId).run();
    for (let i = 0; i < 3; i++) {
      await failJobAndRefund(env.DB, job!.id as string, { error: "x", now: new Date().toISOString(), fromStatuses: ["processing", "failed"] });
    }
    const spend = await env.DB.prepare("SELECT month, spent FROM api_key_spend WHERE api_key_id = ?1 ORDER BY month").bind(account.apiKeyId).all();
    expect(spend.results).toEqual([
      { month: "2026-01", spent: 0 },
      { month: month(), spent: 2 },
    ]);
    expect(await balanceOf(account.accountId)).toBe(100);
  });

  it("takes a cap when the account or a key is created, lifts it with null, and refuses bad caps naming the field", async () => {
    const created = await callJson("/admin/v1/accounts", { body: { name: "Capped", credits: 50, monthly_budget_cap: 0 }, key: ADMIN_TOKEN });
    expect(created.status).toBe(201);
    expect(created.body.data.monthly_budget_cap).toBe(0);
    const key = created.body.data.api_key;
    expect((await generate(key)).body.error).toBe("Budget cap exceeded");
    await setCap(created.body.data.api_key_id, null);
    expect((await generate(key)).status).toBe(200);
    for (const bad of [-1, 2.5, "5"]) {
      const res = await callJson(`/admin/v1/api-keys/${created.body.data.api_key_id}`, { method: "PATCH", body: { monthly_budget_cap: bad }, key: ADMIN_TOKEN });
      expect(res.status).toBe(400);
      expect(res.body.error).toContain("monthly_budget_cap");
    }
    const onCreate = await callJson(`/admin/v1/accounts/${created.body.data.account_id}/api-keys`, { body: { monthly_budget_cap: -3 }, key: ADMIN_TOKEN });
    expect(onCreate.status).toBe(400);
    expect(onCreate.body.error).toContain("monthly_budget_cap");
    const unknown = await callJson(`/admin/v1/api-keys/${crypto.randomUUID()}`, { method: "PATCH", body: { monthly_budget_cap: 5 }, key: ADMIN_TOKEN });
    expect(unknown.status).toBe(404);
  });
});
