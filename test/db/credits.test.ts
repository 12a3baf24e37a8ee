import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chargeAndCreateJob, failJobAndRefund, grantCredits } from "../../src/db/credits";
import { getJobById } from "../../src/db/jobs";
import { apiKeyIdOf, balanceOf, createAccount, ledgerOf } from "../helpers/http";

const now = () => new Date().toISOString();

async function charge(accountId: string, cost: number) {
  const id = crypto.randomUUID();
  const ok = await chargeAndCreateJob(env.DB, {
    id,
    accountId,
    apiKeyId: await apiKeyIdOf(accountId),
    api: "image_generation",
    mode: "async",
    cost,
    webhookUrl: "https://example.com/hook",
    now: now(),
  });
  return { id, ok };
}

describe("the credit ledger", () => {
  it("records the opening balance as a grant", async () => {
    const account = await createAccount(100);
    expect(await ledgerOf(account.accountId)).toEqual([{ reason: "grant", amount: 100, job_id: null }]);
    expect(await balanceOf(account.accountId)).toBe(100);
  });

  it("debits the cost and writes the job and the debit row together", async () => {
    const account = await createAccount(10);
    const { id, ok } = await charge(account.accountId, 3);
    expect(ok).toBe("charged");
    expect(await balanceOf(account.accountId)).toBe(7);
    expect(await ledgerOf(account.accountId)).toContainEqual({ reason: "debit", amount: -3, job_id: id });
    const job = await getJobById(env.DB, id);
    expect(job).toMatchObject({ status: "queued", cost: 3, mode: "async", deliveryStatus: "pending" });
  });

  it("writes nothing at all when the balance is short", async () => {
    const account = await createAccount(2);
    const { id, ok } = await charge(account.accountId, 3);
    expect(ok).toBe("insufficient_credits");
    expect(await balanceOf(account.accountId)).toBe(2);
    expect(await ledgerOf(account.accountId)).toHaveLength(1);
    expect(await getJobById(env.DB, id)).toBeNull();
  });

  it("refunds a failed job exactly once however often it is asked", async () => {
    const account = await createAccount(10);
    const { id } = await charge(account.accountId, 4);
    const attempts = await Promise.all(
      [1, 2, 3].map(() => failJobAndRefund(env.DB, id, { error: "boom", now: now(), fromStatuses: ["queued", "processing"] })),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await failJobAndRefund(env.DB, id, { error: "again", now: now(), fromStatuses: ["failed"] })).toBe(true);
    expect(await balanceOf(account.accountId)).toBe(10);
    const refunds = (await ledgerOf(account.accountId)).filter((row) => row.reason === "refund");
    expect(refunds).toEqual([{ reason: "refund", amount: 4, job_id: id }]);
    expect(await getJobById(env.DB, id)).toMatchObject({ status: "failed", error: "again" });
  });

  it("does not fail or refund a job that is not in one of the given states", async () => {
    const account = await createAccount(10);
    const { id } = await charge(account.accountId, 4);
    expect(await failJobAndRefund(env.DB, id, { error: "x", now: now(), fromStatuses: ["processing"] })).toBe(false);
    expect(await balanceOf(account.accountId)).toBe(6);
    expect(await getJobById(env.DB, id)).toMatchObject({ status: "queued", error: null });
  });

  it("grants credits with a ledger row and returns the new balance", async () => {
    const account = await createAccount(1);
    expect(await grantCredits(env.DB, { accountId: account.accountId, amount: 9, now: now() })).toBe(10);
    expect(await grantCredits(env.DB, { accountId: crypto.randomUUID(), amount: 9, now: now() })).toBeNull();
    expect((await ledgerOf(account.accountId)).map((row) => row.amount)).toEqual([1, 9]);
  });

  it("keeps the balance equal to the sum of the ledger through every kind of movement", async () => {
    const account = await createAccount(20);
    const first = await charge(account.accountId, 5);
    await charge(account.accountId, 7);
    await failJobAndRefund(env.DB, first.id, { error: "x", now: now(), fromStatuses: ["queued"] });
    await grantCredits(env.DB, { accountId: account.accountId, amount: 3, now: now() });
    await charge(account.accountId, 100);
    const sum = (await ledgerOf(account.accountId)).reduce((total, row) => total + row.amount, 0);
    expect(sum).toBe(await balanceOf(account.accountId));
    expect(sum).toBe(20 - 5 - 7 + 5 + 3);
  });

  it("refuses a negative balance in the schema itself", async () => {
    const account = await createAccount(1);
    await expect(
      env.DB.prepare("UPDATE accounts SET credits = -1 WHERE id = ?1").bind(account.accountId).run(),
    ).rejects.toThrow(/CHECK/);
  });
});
