import { describe, expect, it, vi } from "vitest";
import { imageGeneration } from "../../src/apis/image-generation";
import { balanceOf, createAccount, ledgerOf } from "../helpers/http";
import { attemptsOf, SMALL_IMAGE, submitAsync, waitForJob } from "../helpers/jobs";
import { createReceiver, sleep } from "../helpers/webhook-receiver";

const delivered = (job: { deliveryStatus: string | null }) => job.deliveryStatus === "delivered";
const exhausted = (job: { deliveryStatus: string | null }) => job.deliveryStatus === "exhausted";

describe("webhook delivery retries (1 attempt + up to 3 retries)", () => {
  it("retries a receiver that fails twice, then delivers on the third attempt with the same webhook-id", async () => {
    const account = await createAccount(10);
    const processSpy = vi.spyOn(imageGeneration, "process");
    const receiver = createReceiver((_, i) => new Response(i < 2 ? "busy" : "ok", { status: i < 2 ? 500 : 200 }));
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    expect(processSpy).toHaveBeenCalledTimes(1);
    processSpy.mockRestore();
    expect(receiver.deliveries.map((d) => d.headers["webhook-id"])).toEqual([jobId, jobId, jobId]);
    expect(new Set(receiver.deliveries.map((d) => d.body)).size).toBe(1);
    expect(await attemptsOf(jobId)).toMatchObject([
      { attempt: 1, status_code: 500, error: "http_status", response_body: "busy" },
      { attempt: 2, status_code: 500, error: "http_status" },
      { attempt: 3, status_code: 200, error: null },
    ]);
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("gives up after 4 attempts, marks the delivery exhausted and keeps the credits spent", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver(() => new Response("down", { status: 503 }));
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    const job = await waitForJob(jobId, exhausted, 30_000);
    expect(job.status).toBe("succeeded");
    expect(receiver.deliveries).toHaveLength(4);
    expect((await attemptsOf(jobId)).map((a) => [a.attempt, a.status_code, a.error])).toEqual([
      [1, 503, "http_status"],
      [2, 503, "http_status"],
      [3, 503, "http_status"],
      [4, 503, "http_status"],
    ]);
    expect(await balanceOf(account.accountId)).toBe(8);
    expect((await ledgerOf(account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit"]);
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver((_, i) =>
      i === 0 ? new Response(null, { status: 302, headers: { Location: "https://elsewhere.example.com/" } }) : new Response("ok"),
    );
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    expect(receiver.deliveries).toHaveLength(2);
    expect((await attemptsOf(jobId)).map((a) => [a.status_code, a.error])).toEqual([
      [302, "redirect"],
      [200, null],
    ]);
  });

  it("records a receiver slower than WEBHOOK_TIMEOUT_MS as a timeout and retries", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver(async (_, i) => {
      if (i === 0) {
        await sleep(3000);
      }
      return new Response("ok");
    });
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const attempts = await attemptsOf(jobId);
    expect(attempts.map((a) => [a.status_code, a.error])).toEqual([
      [null, "timeout"],
      [200, null],
    ]);
    expect(attempts[0]!.duration_ms).toBeLessThan(2500);
  });

  it("records a dropped connection as connection_error and retries", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver((_, i) => {
      if (i === 0) {
        throw new TypeError("Network connection lost.");
      }
      return new Response("ok");
    });
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    expect((await attemptsOf(jobId)).map((a) => a.error)).toEqual(["connection_error", null]);
  });

  it("honours a receiver's Retry-After (within the cap) before the next attempt", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver((_, i) =>
      i === 0 ? new Response("slow down", { status: 429, headers: { "Retry-After": "2" } }) : new Response("ok"),
    );
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const [first, second] = receiver.deliveries;
    // The schedule alone says 1 s; the receiver asked for 2 s.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1900);
  });

  it("stores only the first 1 KB of a receiver's response body", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver(() => new Response("x".repeat(5000)));
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    expect((await attemptsOf(jobId))[0]!.response_body).toBe("x".repeat(1024));
  });
});

