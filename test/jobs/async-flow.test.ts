import { env } from "cloudflare:workers";
import { decode } from "fast-png";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { apis } from "../../src/apis";
import { imageGeneration } from "../../src/apis/image-generation";
import { webhookPayloadSchema } from "../../src/webhooks/payload";
import { balanceOf, callJson, createAccount, ledgerOf, SEED_REQUEST } from "../helpers/http";
import { attemptsOf, FAILING_IMAGE, FAILING_IMAGE_MESSAGE, submitAsync, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";

describe("async mode, end to end through the real queues", () => {
  it("accepts the seed example with 201, processes it once and delivers a signed PNG payload", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const processSpy = vi.spyOn(imageGeneration, "process");
    const res = await callJson("/image-generation/v1/generate", {
      body: { ...SEED_REQUEST, webhook_url: receiver.url },
      key: account.apiKey,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      async: true,
      message: "Request accepted. Results will be delivered to the provided webhook URL.",
      job_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const jobId = res.body.job_id;
    expect(res.headers.get("Location")).toBe(`/v1/jobs/${jobId}`);
    expect(await balanceOf(account.accountId)).toBe(8);

    const job = await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(job).toMatchObject({ status: "succeeded", mode: "async", cost: 2, resultMimeType: "image/png" });
    expect(processSpy).toHaveBeenCalledTimes(1);
    processSpy.mockRestore();

    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.request.method).toBe("POST");
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(delivery!.headers["user-agent"]).toMatch(/^Lamina-Webhooks\//);
    expect(delivery!.headers["webhook-id"]).toBe(jobId);
    const payload = JSON.parse(delivery!.body);
    expect(payload).toEqual({
      success: true,
      api: "image_generation",
      job_id: jobId,
      data: { buffer: expect.any(String), mime_type: "image/png" },
    });
    expect(webhookPayloadSchema(apis).safeParse(payload).success).toBe(true);
    const png = decode(Uint8Array.from(atob(payload.data.buffer), (c) => c.charCodeAt(0)));
    expect([png.width, png.height]).toEqual([800, 600]);
    expect(png.data.every((byte) => byte === 255)).toBe(true);

    // The signature verifies with the official Standard Webhooks library and the account's secret.
    const secret = await callJson("/v1/webhook-secret", { key: account.apiKey });
    const verified = new Webhook(secret.body.data.secret).verify(delivery!.body, delivery!.headers);
    expect(verified).toEqual(payload);

    // The input is gone from R2 once processed; the result stays for redelivery.
    expect(await env.FILES.head(`jobs/${jobId}/input.json`)).toBeNull();
    expect((await env.FILES.head(`jobs/${jobId}/result`))?.httpMetadata?.contentType).toBe("image/png");
    const attempts = await attemptsOf(jobId);
    expect(attempts).toMatchObject([{ attempt: 1, status_code: 200, error: null, response_body: "ok" }]);
    // Credits were charged once and never refunded.
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("delivers the error payload and refunds when processing fails", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, FAILING_IMAGE, receiver.url);
    const job = await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    expect(job).toMatchObject({ status: "failed", error: FAILING_IMAGE_MESSAGE });
    expect(JSON.parse(receiver.deliveries[0]!.body)).toEqual({
      success: false,
      api: "image_generation",
      job_id: jobId,
      error: { message: FAILING_IMAGE_MESSAGE },
    });
    expect(webhookPayloadSchema(apis).safeParse(JSON.parse(receiver.deliveries[0]!.body)).success).toBe(true);
    expect(await balanceOf(account.accountId)).toBe(10);
    expect((await ledgerOf(account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit", "refund"]);
    expect(await env.FILES.head(`jobs/${jobId}/input.json`)).toBeNull();
  });

  it("shows the job, its delivery and every attempt at GET /v1/jobs/{id}", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SEED_REQUEST, receiver.url);
    await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
    const res = await callJson(`/v1/jobs/${jobId}`, { key: account.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        id: jobId,
        api: "image_generation",
        status: "succeeded",
        delivery_status: "delivered",
        cost: 2,
        created_at: expect.any(String),
        finished_at: expect.any(String),
        error: null,
        result_delivery: "inline",
        webhook_auth_header: null,
        attempts: [{ attempt: 1, status_code: 200, error: null, duration_ms: expect.any(Number), response_body: "ok", at: expect.any(String) }],
      },
    });
  });

  it("answers 404 for another account's job and for an unknown one, 400 for a malformed id", async () => {
    const owner = await createAccount(10);
    const other = await createAccount(10);
    const jobId = await submitAsync(owner, SEED_REQUEST, createReceiver().url);
    expect((await callJson(`/v1/jobs/${jobId}`, { key: other.apiKey })).status).toBe(404);
    expect((await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: other.apiKey })).status).toBe(404);
    expect((await callJson(`/v1/jobs/${crypto.randomUUID()}`, { key: owner.apiKey })).status).toBe(404);
    const malformed = await callJson("/v1/jobs/nope", { key: owner.apiKey });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toContain("id:");
    await waitForJob(jobId, (j) => j.deliveryStatus === "delivered");
  });
});
