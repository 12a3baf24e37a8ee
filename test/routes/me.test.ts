import { expect, it } from "vitest";
import { callJson, createAccount, SEED_REQUEST } from "../helpers/http";

it("GET /v1/me answers the account and its current balance", async () => {
  const account = await createAccount(42, "Me Inc");
  const before = await callJson("/v1/me", { key: account.apiKey });
  expect(before.status).toBe(200);
  const month = new Date().toISOString().slice(0, 7);
  expect(before.body).toEqual({
    success: true,
    data: {
      account_id: account.accountId,
      name: "Me Inc",
      credits: 42,
      rate_limit_per_minute: 1000,
      api_key: { id: account.apiKeyId, prefix: account.apiKey.slice(0, 10), monthly_budget_cap: null, month, spent_this_month: 0 },
    },
  });
  await callJson("/image-generation/v1/generate", { body: SEED_REQUEST, key: account.apiKey });
  const after = await callJson("/v1/me", { key: account.apiKey });
  expect(after.body.data.credits).toBe(40);
  expect(after.body.data.api_key.spent_this_month).toBe(2);
});

it("answers unknown routes with a 404 in the error envelope", async () => {
  const res = await callJson("/nope/v1/thing", { method: "POST", body: {} });
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ success: false, error: "Not found: POST /nope/v1/thing" });
});
