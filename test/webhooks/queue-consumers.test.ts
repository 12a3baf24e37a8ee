import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { imageGeneration } from "../../src/apis/image-generation";
import { chargeAndCreateJob } from "../../src/db/credits";
import { claimJob } from "../../src/db/jobs";
import { CRASHED_JOB_MESSAGE } from "../../src/jobs/run";
import worker from "../../src/index";
import { apiKeyIdOf, balanceOf, createAccount } from "../helpers/http";
import { attemptsOf, SMALL_IMAGE, submitAsync, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

const delivered = (job: { deliveryStatus: string | null }) => job.deliveryStatus === "delivered";
const exhausted = (job: { deliveryStatus: string | null }) => job.deliveryStatus === "exhausted";

async function runConsumer(queue: string, bodies: unknown[], options: { attempts?: number; env?: Env } = {}) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ?? env, ctx);
  return getQueueResult(batch, ctx);
}

describe("queue consumers, called directly", () => {
  it("acks a duplicate processing message without running anything again", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const processSpy = vi.spyOn(imageGeneration, "process");
    const result = await runConsumer("lamina-processing", [{ type: "process.v1", jobId }]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(processSpy).not.toHaveBeenCalled();
    processSpy.mockRestore();
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("acks a duplicate delivery message of a delivered job without POSTing again", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const result = await runConsumer("lamina-delivery", [{ type: "deliver.v1", jobId }]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);
    expect(receiver.deliveries).toHaveLength(1);
    expect(await attemptsOf(jobId)).toHaveLength(1);
  });

  it("acks malformed messages on every queue", async () => {
    for (const queue of ["lamina-processing", "lamina-delivery", "lamina-processing-dlq", "lamina-delivery-dlq"]) {
      const result = await runConsumer(queue, [{ type: "something.v9" }, "not even an object"]);
      expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    }
  });

  it("asks the queue to retry with the policy's delay when the receiver fails", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver(() => new Response("no", { status: 500 }));
    const jobId = crypto.randomUUID();
    await chargeAndCreateJob(env.DB, { id: jobId, accountId: account.accountId, apiKeyId: await apiKeyIdOf(account.accountId), api: "image_generation", mode: "async", cost: 2, webhookUrl: receiver.url, now: new Date().toISOString() });
    await env.DB.prepare("UPDATE jobs SET status = 'failed', error = 'x' WHERE id = ?1").bind(jobId).run();
    const result = await runConsumer("lamina-delivery", [{ type: "deliver.v1", jobId }]);
    expect(result.retryMessages).toEqual([{ msgId: "m0" }]);
    expect(result.explicitAcks).toEqual([]);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it("counts the receiver's attempts in D1: our own R2 errors cost none, and the 4th failed POST exhausts the delivery", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver(() => new Response("down", { status: 503 }));
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    // Let the real queues run it once (one failed POST), then hold the rest by marking it delivered for a moment.
    await vi.waitFor(async () => expect(await attemptsOf(jobId)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    await env.DB.prepare("UPDATE jobs SET delivery_status = 'delivered' WHERE id = ?1").bind(jobId).run();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const attemptsBefore = (await attemptsOf(jobId)).length;
    await env.DB.prepare("UPDATE jobs SET delivery_status = 'pending' WHERE id = ?1").bind(jobId).run();
    const seen = receiver.deliveries.length;

    // R2 fails on every read: five queue deliveries of the message, all retried, none a recorded attempt.
    const brokenFiles = new Proxy(env.FILES, {
      get: (target, key) => (key === "get" ? () => Promise.reject(new Error("R2 is down")) : Reflect.get(target, key, target)),
    });
    const broken = { ...env, FILES: brokenFiles } as Env;
    for (let attempts = 2; attempts <= 6; attempts++) {
      const result = await runConsumer("lamina-delivery", [{ type: "deliver.v1", jobId }], { attempts, env: broken });
      expect(result.retryMessages).toEqual([{ msgId: "m0" }]);
    }
    expect(await attemptsOf(jobId)).toHaveLength(attemptsBefore);
    expect(receiver.deliveries).toHaveLength(seen);

    // Storage is back: the receiver still gets the rest of its 4 attempts, however often the queue retried.
    let attempts = 7;
    while ((await attemptsOf(jobId)).length < 4) {
      const result = await runConsumer("lamina-delivery", [{ type: "deliver.v1", jobId }], { attempts: attempts++ });
      const done = (await attemptsOf(jobId)).length === 4;
      expect(done ? result.explicitAcks : result.retryMessages).toEqual(done ? ["m0"] : [{ msgId: "m0" }]);
    }
    expect((await attemptsOf(jobId)).map((a) => a.status_code)).toEqual([503, 503, 503, 503]);
    expect(await waitForJob(jobId, exhausted)).toMatchObject({ deliveryStatus: "exhausted", status: "succeeded" });
  });

  it("processing DLQ: fails and refunds a job whose consumer died, then delivers the error payload", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = crypto.randomUUID();
    await chargeAndCreateJob(env.DB, { id: jobId, accountId: account.accountId, apiKeyId: await apiKeyIdOf(account.accountId), api: "image_generation", mode: "async", cost: 2, webhookUrl: receiver.url, now: new Date().toISOString() });
    await claimJob(env.DB, jobId, new Date().toISOString());
    expect(await balanceOf(account.accountId)).toBe(8);
    const result = await runConsumer("lamina-processing-dlq", [{ type: "process.v1", jobId }]);
    expect(result.explicitAcks).toEqual(["m0"]);
    const job = await waitForJob(jobId, delivered);
    expect(job).toMatchObject({ status: "failed", error: CRASHED_JOB_MESSAGE });
    expect(await balanceOf(account.accountId)).toBe(10);
    expect(JSON.parse(receiver.deliveries[0]!.body)).toEqual({
      success: false,
      api: "image_generation",
      job_id: jobId,
      error: { message: CRASHED_JOB_MESSAGE },
    });
    // A second dead letter for the same job changes nothing.
    await runConsumer("lamina-processing-dlq", [{ type: "process.v1", jobId }]);
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("delivery DLQ: marks the delivery exhausted", async () => {
    const account = await createAccount(10);
    const jobId = crypto.randomUUID();
    await chargeAndCreateJob(env.DB, { id: jobId, accountId: account.accountId, apiKeyId: await apiKeyIdOf(account.accountId), api: "image_generation", mode: "async", cost: 2, webhookUrl: "https://hooks.example.com/x", now: new Date().toISOString() });
    const result = await runConsumer("lamina-delivery-dlq", [{ type: "deliver.v1", jobId }]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(await waitForJob(jobId, exhausted)).toMatchObject({ deliveryStatus: "exhausted" });
  });
});
