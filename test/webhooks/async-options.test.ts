import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweep } from "../../src/jobs/sweep";
import { signResultLink } from "../../src/jobs/result-link";
import { fetchWithEnv } from "../helpers/worker";
import { balanceOf, call, callJson, createAccount, jobsOf } from "../helpers/http";
import { attemptsOf, FAILING_IMAGE, SMALL_IMAGE, submitAsync, waitForJob } from "../helpers/jobs";
import { createReceiver } from "../helpers/webhook-receiver";
import { decodeAny, pixelAt } from "../helpers/images";

const AUTH = { webhook_auth_header_name: "Authorization", webhook_auth_header_value: "Bearer receiver-secret-0123456789" };

describe("the webhook auth header", () => {
  it("is sent with every delivery attempt, retries included, next to the signature headers", async () => {
    const receiver = createReceiver((_, index) => new Response("not yet", { status: index < 2 ? 503 : 200 }));
    const account = await createAccount(10);
    const jobId = await submitAsync(account, { ...SMALL_IMAGE, ...AUTH }, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "delivered", 30_000);
    expect(receiver.deliveries).toHaveLength(3);
    for (const delivery of receiver.deliveries) {
      expect(delivery.headers.authorization).toBe("Bearer receiver-secret-0123456789");
      expect(delivery.headers["webhook-signature"]).toMatch(/^v1,/);
      expect(delivery.headers["content-type"]).toBe("application/json");
    }
    expect((await attemptsOf(jobId)).map((attempt) => attempt.status_code)).toEqual([503, 503, 200]);
  });

  it("is shown by the jobs API by name with a masked value, never in full", async () => {
    const receiver = createReceiver();
    const account = await createAccount(10);
    const jobId = await submitAsync(account, { ...SMALL_IMAGE, webhook_auth_header_name: "X-Receiver-Token", webhook_auth_header_value: "tok_abcdefghijklmnop1234" }, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "delivered");
    const res = await call(`/v1/jobs/${jobId}`, { key: account.apiKey });
    const text = await res.text();
    expect(text).not.toContain("tok_abcdefghijklmnop");
    expect(JSON.parse(text).data.webhook_auth_header).toEqual({ name: "X-Receiver-Token", value: "****1234", retained: true });
    expect(receiver.deliveries[0]!.headers["x-receiver-token"]).toBe("tok_abcdefghijklmnop1234");
  });

  it("is forgotten by the sweeper with the result, after which a redelivery is refused", async () => {
    const receiver = createReceiver();
    const account = await createAccount(10);
    const jobId = await submitAsync(account, { ...SMALL_IMAGE, ...AUTH }, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "delivered");
    await sweep(env, new Date(Date.now() + 25 * 3_600_000));
    const job = await waitForJob(jobId, (candidate) => candidate.webhookAuthHeader?.value === null);
    expect(job.webhookAuthHeader).toEqual({ name: "Authorization", value: null });
    const shown = await callJson(`/v1/jobs/${jobId}`, { key: account.apiKey });
    expect(shown.body.data.webhook_auth_header).toEqual({ name: "Authorization", value: "****", retained: false });
    const redeliver = await callJson(`/v1/jobs/${jobId}/redeliver`, { method: "POST", key: account.apiKey });
    expect(redeliver.status).toBe(409);
  });

  it.each([
    [{ webhook_auth_header_name: "webhook-signature", webhook_auth_header_value: "x" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "Webhook-Id", webhook_auth_header_value: "x" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "Content-Type", webhook_auth_header_value: "text/plain" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "user-agent", webhook_auth_header_value: "x" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "Host", webhook_auth_header_value: "evil.example" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "Transfer-Encoding", webhook_auth_header_value: "chunked" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "Bad Name", webhook_auth_header_value: "x" }, "webhook_auth_header_name"],
    [{ webhook_auth_header_name: "X-Token", webhook_auth_header_value: "line\r\nInjected: yes" }, "webhook_auth_header_value"],
    [{ webhook_auth_header_name: "X-Token", webhook_auth_header_value: "" }, "webhook_auth_header_value"],
    [{ webhook_auth_header_name: "X-Token" }, "webhook_auth_header_value"],
    [{ webhook_auth_header_value: "secret" }, "webhook_auth_header_name"],
    [{ result_delivery: "link" }, "result_delivery"],
  ])("refuses %j with a 400 naming %s, charging nothing", async (fields, field) => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", {
      body: { ...SMALL_IMAGE, ...fields, webhook_url: "https://hooks.example.com/x" },
      key: account.apiKey,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(`${field}:`);
    expect(await balanceOf(account.accountId)).toBe(10);
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it.each(["webhook_auth_header_name", "result_delivery"])("refuses %s without webhook_url (sync mode) with a 400", async (field) => {
    const account = await createAccount(10);
    const extra = field === "result_delivery" ? { result_delivery: "url" } : AUTH;
    const res = await callJson("/image-generation/v1/generate", { body: { ...SMALL_IMAGE, ...extra }, key: account.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(`${field}: needs webhook_url`);
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});

describe("results by signed URL", () => {
  async function deliveredByUrl() {
    const receiver = createReceiver();
    const account = await createAccount(10);
    const jobId = await submitAsync(account, { ...SMALL_IMAGE, result_delivery: "url" }, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(receiver.deliveries[0]!.body);
    return { account, jobId, payload };
  }

  it("puts a link in the webhook instead of the base64, which downloads the PNG without an API key", async () => {
    const { jobId, payload } = await deliveredByUrl();
    expect(payload).toEqual({
      success: true,
      api: "image_generation",
      job_id: jobId,
      data: { url: expect.any(String), mime_type: "image/png", size_bytes: expect.any(Number), expires_at: expect.any(String) },
    });
    const link = new URL(payload.data.url);
    expect(link.origin).toBe("https://lamina.test");
    expect(link.pathname).toBe(`/v1/jobs/${jobId}/result`);
    const expiresAt = Date.parse(payload.data.expires_at);
    expect(expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    expect(Number(link.searchParams.get("expires")) * 1000).toBe(expiresAt);

    const download = await call(`${link.pathname}${link.search}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("image/png");
    expect(download.headers.get("Cache-Control")).toBe("private, no-store");
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(payload.data.size_bytes);
    const image = await decodeAny(bytes);
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(pixelAt(image, 3, 1)).toEqual([0, 255, 0, 255]);
  });

  it("refuses the link with 403 once it has expired, or when its job, expiry or signature was altered", async () => {
    const { jobId, payload } = await deliveredByUrl();
    const link = new URL(payload.data.url);
    const expires = link.searchParams.get("expires")!;
    const signature = link.searchParams.get("signature")!;
    const other = crypto.randomUUID();
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    for (const path of [
      `/v1/jobs/${jobId}/result?expires=${Number(expires) + 3600}&signature=${signature}`,
      `/v1/jobs/${jobId}/result?expires=${expires}&signature=${flipped}`,
      `/v1/jobs/${other}/result?expires=${expires}&signature=${signature}`,
      `/v1/jobs/${jobId}/result?expires=${expires}`,
      `/v1/jobs/${jobId}/result?signature=${signature}`,
      `/v1/jobs/${jobId}/result?expires=soon&signature=${signature}`,
    ]) {
      const res = await callJson(path);
      expect(res.status, path).toBe(403);
      expect(res.body.error).toContain("not valid");
    }
    // Correctly signed but past its time: refused as expired.
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = await callJson(`/v1/jobs/${jobId}/result?expires=${past}&signature=${await signResultLink("test-result-url-secret", jobId, past)}`);
    expect(expired.status).toBe(403);
    expect(expired.body.error).toContain("expired");
    // Signed with another secret: refused.
    const forged = await callJson(`/v1/jobs/${jobId}/result?expires=${expires}&signature=${await signResultLink("guess", jobId, Number(expires))}`);
    expect(forged.status).toBe(403);
  });

  it("downloads the same result with the API key while it is retained, and only for the job's own account", async () => {
    const { account, jobId, payload } = await deliveredByUrl();
    const withKey = await call(`/v1/jobs/${jobId}/result`, { key: account.apiKey });
    expect(withKey.status).toBe(200);
    expect(withKey.headers.get("Content-Type")).toBe("image/png");
    expect(withKey.headers.get("X-RateLimit-Limit")).toBe("1000");
    expect((await withKey.arrayBuffer()).byteLength).toBe(payload.data.size_bytes);
    expect((await callJson(`/v1/jobs/${jobId}/result`)).status).toBe(401);
    const stranger = await createAccount(1);
    expect((await callJson(`/v1/jobs/${jobId}/result`, { key: stranger.apiKey })).status).toBe(404);
    await sweep(env, new Date(Date.now() + 25 * 3_600_000));
    const gone = await callJson(`/v1/jobs/${jobId}/result`, { key: account.apiKey });
    expect(gone.status).toBe(410);
    expect(gone.body.error).toBe("The job's result has expired");
  });

  it("keeps JSON results inline and downloads them as the sync response's envelope", async () => {
    const receiver = createReceiver();
    const account = await createAccount(10);
    const res = await callJson("/document-to-markdown/v1/convert", {
      body: { file: { type: "base64", base64: btoa("# Title\n\nHello"), name: "note.md" }, webhook_url: receiver.url, result_delivery: "url" },
      key: account.apiKey,
    });
    expect(res.status).toBe(201);
    await waitForJob(res.body.job_id, (job) => job.deliveryStatus === "delivered");
    const payload = JSON.parse(receiver.deliveries[0]!.body);
    expect(payload.data.markdown).toContain("# Title");
    expect(payload.data.url).toBeUndefined();
    const download = await callJson(`/v1/jobs/${res.body.job_id}/result`, { key: account.apiKey });
    expect(download.status).toBe(200);
    expect(download.body).toEqual({ success: true, data: payload.data });
  });

  it("answers 409 for a failed job, which has no result", async () => {
    const receiver = createReceiver();
    const account = await createAccount(10);
    const jobId = await submitAsync(account, FAILING_IMAGE, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "delivered");
    const failed = await callJson(`/v1/jobs/${jobId}/result`, { key: account.apiKey });
    expect(failed.status).toBe(409);
    expect(failed.body.error).toContain("Job failed");
  });

  it("points links at PUBLIC_BASE_URL when it is set", async () => {
    const receiver = createReceiver();
    const account = await createAccount(10);
    const jobId = await submitAsync(account, { ...SMALL_IMAGE, result_delivery: "url" }, receiver.url);
    await waitForJob(jobId, (job) => job.deliveryStatus === "delivered");
    await env.DB.prepare("UPDATE jobs SET delivery_status = 'pending' WHERE id = ?1").bind(jobId).run();
    const { deliverJob } = await import("../../src/webhooks/deliver");
    expect(await deliverJob({ ...env, PUBLIC_BASE_URL: "https://api.lamina.example/" } as Env, jobId)).toEqual({ kind: "delivered" });
    expect(new URL(JSON.parse(receiver.deliveries[1]!.body).data.url).origin).toBe("https://api.lamina.example");
  });

  it("is refused with a 400 when the deployment has no RESULT_URL_SECRET, charging nothing", async () => {
    const account = await createAccount(10);
    const request = new Request("https://lamina.test/image-generation/v1/generate", {
      method: "POST",
      headers: { Authorization: `Bearer ${account.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...SMALL_IMAGE, webhook_url: "https://hooks.example.com/x", result_delivery: "url" }),
    });
    const res = await fetchWithEnv(request, { RESULT_URL_SECRET: "" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("result_delivery:");
    expect(await balanceOf(account.accountId)).toBe(10);
  });
});
