import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, balanceOf, callJson, createAccount, ledgerOf } from "../helpers/http";

describe("the operator API", () => {
  it("creates an account with its credits and a working API key", async () => {
    const res = await callJson("/admin/v1/accounts", { body: { name: "Acme", credits: 250 }, key: ADMIN_TOKEN });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      data: {
        account_id: expect.any(String),
        name: "Acme",
        credits: 250,
        rate_limit_per_minute: null,
        api_key: expect.stringMatching(/^il_[0-9a-f]{48}$/),
        api_key_id: expect.any(String),
        prefix: expect.stringMatching(/^il_/),
        monthly_budget_cap: null,
      },
    });
    const me = await callJson("/v1/me", { key: res.body.data.api_key });
    expect(me.body).toMatchObject({ success: true, data: { account_id: res.body.data.account_id, name: "Acme", credits: 250 } });
  });

  it.each([
    [{ credits: 5 }, "name:"],
    [{ name: "", credits: 5 }, "name:"],
    [{ name: "x", credits: -1 }, "credits:"],
    [{ name: "x", credits: 1.5 }, "credits:"],
    [{ name: "x" }, "credits:"],
  ])("rejects the account body %j with 400 naming the field", async (body, field) => {
    const res = await callJson("/admin/v1/accounts", { body, key: ADMIN_TOKEN });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(field);
  });

  it("grants credits as a ledger row and answers the new balance", async () => {
    const account = await createAccount(10);
    const res = await callJson(`/admin/v1/accounts/${account.accountId}/credits`, { body: { amount: 15 }, key: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { credits: 25 } });
    expect(await balanceOf(account.accountId)).toBe(25);
    expect((await ledgerOf(account.accountId)).at(-1)).toEqual({ reason: "grant", amount: 15, job_id: null });
  });

  it.each([0, -5, 2.5, "10"])("refuses a grant of %j with 400", async (amount) => {
    const account = await createAccount(10);
    const res = await callJson(`/admin/v1/accounts/${account.accountId}/credits`, { body: { amount }, key: ADMIN_TOKEN });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("amount:");
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("answers 404 for grants and keys of an unknown account, 400 for a malformed id", async () => {
    const missing = crypto.randomUUID();
    expect((await callJson(`/admin/v1/accounts/${missing}/credits`, { body: { amount: 1 }, key: ADMIN_TOKEN })).status).toBe(404);
    expect((await callJson(`/admin/v1/accounts/${missing}/api-keys`, { method: "POST", key: ADMIN_TOKEN })).status).toBe(404);
    const bad = await callJson("/admin/v1/accounts/not-a-uuid/credits", { body: { amount: 1 }, key: ADMIN_TOKEN });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("id:");
  });

  it("revokes a key idempotently and answers 404 for an unknown key", async () => {
    const account = await createAccount(1);
    const first = await callJson(`/admin/v1/api-keys/${account.apiKeyId}`, { method: "DELETE", key: ADMIN_TOKEN });
    const again = await callJson(`/admin/v1/api-keys/${account.apiKeyId}`, { method: "DELETE", key: ADMIN_TOKEN });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.data.revoked_at).toBe(first.body.data.revoked_at);
    const unknown = await callJson(`/admin/v1/api-keys/${crypto.randomUUID()}`, { method: "DELETE", key: ADMIN_TOKEN });
    expect(unknown.status).toBe(404);
  });
});
