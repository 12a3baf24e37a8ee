import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { balanceOf, callJson, createAccount, SEED_REQUEST } from "../helpers/http";
import { attemptsOf, SMALL_IMAGE, submitAsync, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";
import { fetchWithEnv } from "../helpers/worker";

const delivered = (job: { deliveryStatus: string | null }) => job.deliveryStatus === "delivered";

describe("POST /v1/jobs/{id}/redeliver", () => {
  it("delivers the retained result once more, free, with the same webhook-id", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const res = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, data: { job_id: jobId, delivery_status: "pending" } });
    await waitForJob(jobId, (job) => delivered(job) && receiver.deliveries.length === 2);
    expect(receiver.deliveries[1]!.body).toBe(receiver.deliveries[0]!.body);
    expect(receiver.deliveries[1]!.headers["webhook-id"]).toBe(jobId);
    expect((await attemptsOf(jobId)).map((a) => a.attempt)).toEqual([1, 2]);
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("gives an exhausted delivery a fresh round of 4 attempts", async () => {
    const account = await createAccount(10);
    // Down for the first round, up again from the 6th POST (the second attempt of the redelivery).
    const receiver = createReceiver((_, i) => new Response(i < 5 ? "down" : "ok", { status: i < 5 ? 503 : 200 }));
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "exhausted", 30_000);
    expect(await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey })).toMatchObject({ status: 202 });
    await waitForJob(jobId, delivered, 30_000);
    expect((await attemptsOf(jobId)).map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
      [4, 503],
      [5, 503],
      [6, 200],
    ]);
  });

  it("answers 409 once the result has expired", async () => {
    const account = await createAccount(10);
    const jobId = await submitAsync(account, SMALL_IMAGE, createReceiver().url);
    await waitForJob(jobId, delivered);
    await env.DB.prepare("UPDATE jobs SET result_key = NULL WHERE id = ?1").bind(jobId).run();
    const res = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(res.status).toBe(409);
    expect(res.body.error).toContain("expired");
  });

  it("answers 409 for a sync job and while a delivery is pending", async () => {
    const account = await createAccount(10);
    await callJson("/image-generation/v1/generate", { body: SMALL_IMAGE, key: account.apiKey });
    const { id: syncId } = (await env.DB.prepare("SELECT id FROM jobs WHERE account_id = ?1").bind(account.accountId).first<{ id: string }>())!;
    const sync = await callJson(`/v1/jobs/${syncId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(sync.status).toBe(409);
    expect(sync.body.error).toContain("sync mode");

    const jobId = await submitAsync(account, SMALL_IMAGE, createReceiver().url);
    const early = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(early.status).toBe(409);
    await waitForJob(jobId, delivered);
  });
});

describe("webhook secrets", () => {
  it("creates the secret on first use and keeps answering the same one", async () => {
    const account = await createAccount(10);
    const first = await callJson("/v1/webhook-secret", { key: account.apiKey });
    const again = await callJson("/v1/webhook-secret", { key: account.apiKey });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ success: true, data: { secret: expect.stringMatching(/^whsec_/), previous_secret_expires_at: null } });
    expect(again.body.data.secret).toBe(first.body.data.secret);
    const other = await createAccount(10);
    expect((await callJson("/v1/webhook-secret", { key: other.apiKey })).body.data.secret).not.toBe(first.body.data.secret);
  });

  it("signs with both secrets for 24 hours after a rotation, then with the new one only", async () => {
    const account = await createAccount(10);
    const old = (await callJson("/v1/webhook-secret", { key: account.apiKey })).body.data.secret;
    const rotated = await callJson("/v1/webhook-secret/rotate", { method: "POST", key: account.apiKey });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.data.secret;
    expect(fresh).not.toBe(old);
    const expiresAt = Date.parse(rotated.body.data.previous_secret_expires_at);
    expect(expiresAt - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000);

    const receiver = createReceiver();
    const jobId = await submitAsync(account, SEED_REQUEST, receiver.url);
    await waitForJob(jobId, delivered);
    const delivery = receiver.deliveries[0]!;
    expect(delivery.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(fresh).verify(delivery.body, delivery.headers)).toMatchObject({ job_id: jobId });
    expect(new Webhook(old).verify(delivery.body, delivery.headers)).toMatchObject({ job_id: jobId });

    // Once the grace period is over only the new secret signs.
    await env.DB.prepare("UPDATE webhook_secrets SET previous_expires_at = ?2 WHERE account_id = ?1")
      .bind(account.accountId, new Date(Date.now() - 1000).toISOString())
      .run();
    await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    await waitForJob(jobId, (job) => delivered(job) && receiver.deliveries.length === 2);
    const later = receiver.deliveries[1]!;
    expect(later.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => new Webhook(old).verify(later.body, later.headers)).toThrow();
    expect(new Webhook(fresh).verify(later.body, later.headers)).toMatchObject({ job_id: jobId });
  });
});

describe("GET /v1/jobs/{id}", () => {
  it("shows each attempt's status and the first 1 KB of the receiver's response", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver((_delivery, index) => (index === 0 ? new Response("x".repeat(3000), { status: 500 }) : new Response("thanks")));
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const res = await callJson(`/v1/jobs/${jobId}`, { key: account.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.data.attempts.map((a: { attempt: number; status_code: number; response_body: string }) => [a.attempt, a.status_code, a.response_body])).toEqual([
      [1, 500, "x".repeat(1024)],
      [2, 200, "thanks"],
    ]);
  });
});

describe("webhook secret rotations in a row", () => {
  it("keep every replaced secret signing for its own 24 hours: two rotations, three signatures", async () => {
    const account = await createAccount(10);
    const first = (await callJson("/v1/webhook-secret", { key: account.apiKey })).body.data.secret;
    const second = (await callJson("/v1/webhook-secret/rotate", { method: "POST", key: account.apiKey })).body.data.secret;
    const third = (await callJson("/v1/webhook-secret/rotate", { method: "POST", key: account.apiKey })).body.data.secret;
    expect(new Set([first, second, third]).size).toBe(3);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const delivery = receiver.deliveries[0]!;
    expect(delivery.headers["webhook-signature"]!.split(" ")).toHaveLength(3);
    for (const secret of [first, second, third]) {
      expect(new Webhook(secret).verify(delivery.body, delivery.headers)).toMatchObject({ job_id: jobId });
    }
  });

  it("keep at most three replaced secrets signing", async () => {
    const account = await createAccount(10);
    const secrets = [(await callJson("/v1/webhook-secret", { key: account.apiKey })).body.data.secret as string];
    for (let i = 0; i < 5; i++) secrets.push((await callJson("/v1/webhook-secret/rotate", { method: "POST", key: account.apiKey })).body.data.secret);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const delivery = receiver.deliveries[0]!;
    expect(delivery.headers["webhook-signature"]!.split(" ")).toHaveLength(4);
    expect(() => new Webhook(secrets[1]!).verify(delivery.body, delivery.headers)).toThrow();
    for (const secret of secrets.slice(2)) {
      expect(new Webhook(secret).verify(delivery.body, delivery.headers)).toMatchObject({ job_id: jobId });
    }
  });
});

describe("redelivery caps", () => {
  it("allow 5 redeliveries of one job, then answer 409", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    for (let i = 1; i <= 5; i++) {
      const res = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
      expect(res.status, `redelivery ${i}`).toBe(202);
      await waitForJob(jobId, (job) => delivered(job) && receiver.deliveries.length === i + 1);
    }
    const sixth = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(sixth.status).toBe(409);
    expect(sixth.body.error).toBe("This job has been redelivered 5 times, the most a job may be");
    expect(receiver.deliveries).toHaveLength(6);
  });

  it("allow 60 redeliveries an hour per account, then answer 429 with Retry-After", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const first = await submitAsync(account, SMALL_IMAGE, receiver.url);
    const second = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(first, delivered);
    await waitForJob(second, delivered);
    const recent = new Date().toISOString();
    await env.DB.batch(Array.from({ length: 60 }, () => env.DB.prepare("INSERT INTO redeliveries (account_id, job_id, created_at) VALUES (?1, ?2, ?3)").bind(account.accountId, first, recent)));
    const res = await callJson(`/v1/jobs/${second}/redeliver`, { method: "POST", key: account.apiKey });
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("3600");
    expect(res.body.error).toBe("At most 60 redeliveries an hour per account; try again later");
    const job = await callJson(`/v1/jobs/${second}`, { key: account.apiKey });
    expect(job.body.data.delivery_status).toBe("delivered");
  });

  it("leave nothing pending when the queue send fails: 503, the delivery back as it was, not counted", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const jobId = await submitAsync(account, SMALL_IMAGE, receiver.url);
    await waitForJob(jobId, delivered);
    const request = () =>
      new Request(`https://lamina.test/v1/jobs/${jobId}/redeliver`, { method: "POST", headers: { Authorization: `Bearer ${account.apiKey}` } });
    const broken = { send: async () => { throw new Error("queue down"); } } as unknown as Queue;
    const res = await fetchWithEnv(request(), { DELIVERY_QUEUE: broken });
    expect(res.status).toBe(503);
    const job = await callJson(`/v1/jobs/${jobId}`, { key: account.apiKey });
    expect(job.body.data.delivery_status).toBe("delivered");
    const counted = await env.DB.prepare("SELECT COUNT(*) AS n FROM redeliveries WHERE job_id = ?1").bind(jobId).first<{ n: number }>();
    expect(counted!.n).toBe(0);
    const retry = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(retry.status).toBe(202);
  });
});
