import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { balanceOf, callJson, createAccount, jobsOf, ledgerOf } from "../helpers/http";
import { SMALL_IMAGE, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";
import { fetchWithEnv } from "../helpers/worker";

const PATH = "/image-generation/v1/generate";

describe("Idempotency-Key", () => {
  it("answers a repeat with the first job, charging nothing more and creating no job", async () => {
    const account = await createAccount(10);
    const receiver = createReceiver();
    const body = { ...SMALL_IMAGE, webhook_url: receiver.url };
    const first = await callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "order-42" } });
    const second = await callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "order-42" } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("Location")).toBe(`/v1/jobs/${first.body.job_id}`);
    expect(await balanceOf(account.accountId)).toBe(8);
    expect(await jobsOf(account.accountId)).toHaveLength(1);
    await waitForJob(first.body.job_id, (job) => job.deliveryStatus === "delivered");
    expect(receiver.deliveries).toHaveLength(1);
  });

  it("answers 409 for the same key with a different body, charging nothing", async () => {
    const account = await createAccount(10);
    const url = createReceiver().url;
    await callJson(PATH, { body: { ...SMALL_IMAGE, webhook_url: url }, key: account.apiKey, headers: { "Idempotency-Key": "k1" } });
    const other = { ...SMALL_IMAGE, output_format: "png", dimensions: { width_in_px: 5, height_in_px: 5 }, webhook_url: url };
    const res = await callJson(PATH, { body: other, key: account.apiKey, headers: { "Idempotency-Key": "k1" } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ success: false, error: "Idempotency-Key was already used with a different request" });
    expect(await balanceOf(account.accountId)).toBe(8);
  });

  it("creates exactly one job for 10 parallel requests with the same key", async () => {
    const account = await createAccount(50);
    const body = { ...SMALL_IMAGE, webhook_url: createReceiver().url };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "burst" } })),
    );
    expect(results.map((res) => res.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((res) => res.body.job_id)).size).toBe(1);
    expect(await jobsOf(account.accountId)).toHaveLength(1);
    expect(await balanceOf(account.accountId)).toBe(48);
  });

  it("keeps keys per account: another account's same key is a new job", async () => {
    const [a, b] = [await createAccount(10), await createAccount(10)];
    const body = { ...SMALL_IMAGE, webhook_url: createReceiver().url };
    const first = await callJson(PATH, { body, key: a.apiKey, headers: { "Idempotency-Key": "shared" } });
    const second = await callJson(PATH, { body, key: b.apiKey, headers: { "Idempotency-Key": "shared" } });
    expect(second.body.job_id).not.toBe(first.body.job_id);
    expect(await balanceOf(b.accountId)).toBe(8);
  });

  it("treats a key older than 24 hours as new", async () => {
    const account = await createAccount(10);
    const body = { ...SMALL_IMAGE, webhook_url: createReceiver().url };
    const first = await callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "old" } });
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000).toISOString();
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = ?1 WHERE job_id = ?2").bind(dayAgo, first.body.job_id).run();
    const second = await callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "old" } });
    expect(second.status).toBe(201);
    expect(second.body.job_id).not.toBe(first.body.job_id);
    expect(await balanceOf(account.accountId)).toBe(6);
  });

  it.each([
    ["a key with spaces", "has spaces"],
    ["a key over 255 characters", "k".repeat(256)],
  ])("answers 400 for %s and charges nothing", async (_name, key) => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { body: { ...SMALL_IMAGE, webhook_url: createReceiver().url }, key: account.apiKey, headers: { "Idempotency-Key": key } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("Idempotency-Key:");
    expect(await balanceOf(account.accountId)).toBe(10);
  });

  it("answers 400 for a key on a sync request rather than risk a double charge", async () => {
    const account = await createAccount(10);
    const res = await callJson(PATH, { body: SMALL_IMAGE, key: account.apiKey, headers: { "Idempotency-Key": "sync" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("async mode only");
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("accepting when the queue is down", () => {
  it("refunds and answers 503 when the processing queue send fails, and the key can be retried", async () => {
    const account = await createAccount(10);
    const body = { ...SMALL_IMAGE, webhook_url: createReceiver().url };
    const send = vi.spyOn(env.PROCESSING_QUEUE, "send").mockRejectedValueOnce(new Error("Queue is overloaded. Please back off."));
    const res = await callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "retry-me" } });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ success: false, error: "The job could not be queued; nothing was charged. Please retry." });
    expect(await balanceOf(account.accountId)).toBe(10);
    expect((await ledgerOf(account.accountId)).map((row) => row.reason)).toEqual(["grant", "debit", "refund"]);
    const [job] = await jobsOf(account.accountId);
    expect(job).toMatchObject({ status: "failed" });
    expect(await env.FILES.head(`jobs/${job!.id}/input.json`)).toBeNull();
    send.mockRestore();

    const retry = await callJson(PATH, { body, key: account.apiKey, headers: { "Idempotency-Key": "retry-me" } });
    expect(retry.status).toBe(201);
    expect(retry.body.job_id).not.toBe(job!.id);
    await waitForJob(retry.body.job_id, (j) => j.deliveryStatus === "delivered");
  });
});

describe("Server-Timing (SERVER_TIMING)", () => {
  const request = (key: string, body: unknown) =>
    new Request(`https://lamina.test${PATH}`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  // Big enough that its render takes whole milliseconds: text wrapped over a 1200 × 900 gradient.
  const heavy = {
    dimensions: { width_in_px: 1200, height_in_px: 900 },
    layers: [
      { index: 0, type: "gradient", gradient_type: "linear", colors: [{ hex_color: "#112233", position: 0 }, { hex_color: "#AA6600", position: 100 }], position: { x: 0, y: 0 }, dimensions: { width: 1200, height: 900 } },
      { index: 1, type: "text", text: "Server timing ".repeat(40), font_name: "Inter", font_size_in_px: 40, text_color: "#FFFFFF", position: { x: 20, y: 20 }, dimensions: { width: 1160, height: 860 } },
    ],
  };

  it("gives a sync answer the API's processing time, within the request's own time, when switched on", async () => {
    const account = await createAccount(10);
    const started = performance.now();
    const res = await fetchWithEnv(request(account.apiKey, heavy), { SERVER_TIMING: "true" });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    const header = res.headers.get("Server-Timing");
    expect(header).toMatch(/^process;dur=\d+\.\d$/);
    const dur = Number(header!.slice("process;dur=".length));
    expect(dur).toBeGreaterThan(0);
    expect(dur).toBeLessThanOrEqual(elapsed);
  });

  it("is absent by default, and on async answers", async () => {
    const account = await createAccount(10);
    const sync = await fetchWithEnv(request(account.apiKey, SMALL_IMAGE), {});
    expect(sync.status).toBe(200);
    expect(sync.headers.get("Server-Timing")).toBeNull();
    const accepted = await fetchWithEnv(request(account.apiKey, { ...SMALL_IMAGE, webhook_url: createReceiver().url }), { SERVER_TIMING: "true" });
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get("Server-Timing")).toBeNull();
  });
});
