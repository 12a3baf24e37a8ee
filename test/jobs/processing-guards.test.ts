/**
 * What processing refuses to trust: a queued input is validated again before it runs (a deploy may have changed
 * the schema), and a result the sweeper already refunded is never handed out.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chargeAndCreateJob } from "../../src/db/credits";
import { putJobInput } from "../../src/files";
import { SWEPT_SYNC_JOB_MESSAGE } from "../../src/jobs/accept";
import { sendProcessMessage } from "../../src/queues";
import { sweep } from "../../src/jobs/sweep";
import { apiKeyIdOf, balanceOf, callJson, createAccount, jobsOf, ledgerOf } from "../helpers/http";
import { waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

describe("processing guards", () => {
  it("fails and refunds a queued job whose stored input no longer matches the schema, and delivers the error", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = crypto.randomUUID();
    await chargeAndCreateJob(env.DB, { id: jobId, accountId: account.accountId, apiKeyId: await apiKeyIdOf(account.accountId), api: "image_generation", mode: "async", cost: 2, webhookUrl: receiver.url, now: new Date().toISOString() });
    // An input of an older shape: `layers` was once called `items`.
    await putJobInput(env.FILES, jobId, JSON.stringify({ dimensions: { width_in_px: 8, height_in_px: 8 }, items: [], webhook_url: receiver.url }));
    await sendProcessMessage(env.PROCESSING_QUEUE, jobId);
    const job = await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/^The queued request no longer matches the API's request schema: layers: /);
    expect(JSON.parse(receiver.deliveries[0]!.body)).toMatchObject({ success: false, api: "image_generation", job_id: jobId, error: { message: job.error } });
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("withholds a sync result the sweeper gave up on meanwhile: 503, refunded once", async () => {
    const account = await createAccount(5);
    let swept = 0;
    // The file server answers only after the sweeper has run, as if the request had taken 20 minutes.
    const slow = createReceiver(async () => {
      swept = (await sweep(env, new Date(Date.now() + 20 * 60_000))).abandoned;
      return new Response("Total: 12.50");
    });
    const res = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "url", url: slow.url, name: "slow.txt" }], schema: { fields: [{ name: "total", type: "DECIMAL", description: "Total" }] } },
    });
    expect(swept).toBeGreaterThanOrEqual(1);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe(SWEPT_SYNC_JOB_MESSAGE);
    expect(await balanceOf(account.accountId)).toBe(5);
    expect((await ledgerOf(account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit", "refund"]);
    expect((await jobsOf(account.accountId))[0]).toMatchObject({ status: "failed" });
  });
});
