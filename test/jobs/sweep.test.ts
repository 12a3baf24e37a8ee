import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { imageGeneration } from "../../src/apis/image-generation";
import { chargeAndCreateJob } from "../../src/db/credits";
import { claimJob } from "../../src/db/jobs";
import { putJobInput } from "../../src/files";
import { CRASHED_JOB_MESSAGE } from "../../src/jobs/run";
import { sweep } from "../../src/jobs/sweep";
import { apiKeyIdOf, balanceOf, callJson, createAccount } from "../helpers/http";
import { SMALL_IMAGE, submitAsync, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

async function createQueuedJob(accountId: string, webhookUrl: string) {
  const jobId = crypto.randomUUID();
  await chargeAndCreateJob(env.DB, { id: jobId, accountId, apiKeyId: await apiKeyIdOf(accountId), api: "image_generation", mode: "async", cost: 2, webhookUrl, now: new Date().toISOString() });
  // What the accept path stores: the validated request.
  await putJobInput(env.FILES, jobId, JSON.stringify(imageGeneration.request.parse({ ...SMALL_IMAGE, webhook_url: webhookUrl })));
  return jobId;
}

describe("the cron sweeper", () => {
  it("re-sends a job stuck in queued (its message was lost), which then runs and is delivered", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await createQueuedJob(account.accountId, receiver.url);
    const report = await sweep(env, minutesFromNow(6));
    expect(report.requeued).toBeGreaterThanOrEqual(1);
    const job = await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(job.status).toBe("succeeded");
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("leaves a recently queued job alone", async () => {
    const account = await createAccount(10);
    const jobId = await createQueuedJob(account.accountId, createReceiver().url);
    await sweep(env, minutesFromNow(1));
    const row = await env.DB.prepare("SELECT status FROM jobs WHERE id = ?1").bind(jobId).first<{ status: string }>();
    expect(row!.status).toBe("queued");
  });

  it("fails, refunds and delivers the error for a job stuck in processing past the timeout", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await createQueuedJob(account.accountId, receiver.url);
    await claimJob(env.DB, jobId, new Date().toISOString());
    const report = await sweep(env, minutesFromNow(17));
    expect(report.abandoned).toBeGreaterThanOrEqual(1);
    const job = await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(job).toMatchObject({ status: "failed", error: CRASHED_JOB_MESSAGE });
    expect(await balanceOf(account.accountId)).toBe(10);
    expect(JSON.parse(receiver.deliveries[0]!.body).error).toEqual({ message: CRASHED_JOB_MESSAGE });
    expect(await env.FILES.head(`jobs/${jobId}/input.json`)).toBeNull();
  });

  it("fails and refunds a sync job whose request died mid-processing, without any delivery", async () => {
    const account = await createAccount(10);
    const jobId = crypto.randomUUID();
    await chargeAndCreateJob(env.DB, { id: jobId, accountId: account.accountId, apiKeyId: await apiKeyIdOf(account.accountId), api: "image_generation", mode: "sync", cost: 2, webhookUrl: null, now: new Date().toISOString() });
    expect(await balanceOf(account.accountId)).toBe(8);
    await sweep(env, minutesFromNow(17));
    const row = await env.DB.prepare("SELECT status, delivery_status FROM jobs WHERE id = ?1").bind(jobId).first();
    expect(row).toEqual({ status: "failed", delivery_status: null });
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("refunds a sync job left processing after 6 minutes (SYNC_PROCESSING_TIMEOUT_SECONDS, 300), where an async one waits for 16", async () => {
    const account = await createAccount(10);
    const apiKeyId = await apiKeyIdOf(account.accountId);
    const syncId = crypto.randomUUID();
    await chargeAndCreateJob(env.DB, { id: syncId, accountId: account.accountId, apiKeyId, api: "image_generation", mode: "sync", cost: 2, webhookUrl: null, now: new Date().toISOString() });
    const asyncId = await createQueuedJob(account.accountId, createReceiver().url);
    await claimJob(env.DB, asyncId, new Date().toISOString());
    expect(await balanceOf(account.accountId)).toBe(6);
    const status = async (id: string) => (await env.DB.prepare("SELECT status FROM jobs WHERE id = ?1").bind(id).first<{ status: string }>())!.status;
    // Within a sync request's possible life: left alone.
    await sweep(env, minutesFromNow(4));
    expect(await status(syncId)).toBe("processing");
    await sweep(env, minutesFromNow(6));
    expect(await status(syncId)).toBe("failed");
    expect(await status(asyncId)).toBe("processing");
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("deletes results past RESULT_RETENTION_HOURS, after which redelivery answers 409", async () => {
    const account = await createAccount(10);
    const jobId = await submitAsync(account, SMALL_IMAGE, createReceiver().url);
    await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(await env.FILES.head(`jobs/${jobId}/result`)).not.toBeNull();
    await sweep(env, minutesFromNow(60));
    expect(await env.FILES.head(`jobs/${jobId}/result`)).not.toBeNull();
    const report = await sweep(env, minutesFromNow(25 * 60));
    expect(report.expiredResults).toBeGreaterThanOrEqual(1);
    expect(await env.FILES.head(`jobs/${jobId}/result`)).toBeNull();
    const res = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(res.status).toBe(409);
  });

  it("runs from the Worker's scheduled handler on the cron trigger", async () => {
    const { createScheduledController, createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const worker = (await import("../../src/index")).default;
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await createQueuedJob(account.accountId, receiver.url);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await env.DB.prepare("UPDATE jobs SET created_at = ?2 WHERE id = ?1").bind(jobId, tenMinutesAgo).run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(receiver.deliveries).toHaveLength(1);
  });
});
