/**
 * One delivery attempt of a job's result: check the URL again, build and sign the payload, POST it with
 * a timeout and without following redirects, record the attempt, and say what the queue should do next.
 *
 * The receiver's attempt budget (1 + one retry per scheduled delay) is counted in D1 with each recorded failure,
 * not by the queue's delivery count: when our own D1 or R2 fails, the queue retries the message, but no POST was
 * recorded, so the customer loses no attempt. The queue's max_retries is only a backstop above the budget.
 */
import { readConfig } from "../config";
import { recordDeliveryAttempt, type DeliveryErrorKind } from "../db/delivery-attempts";
import { getJobById, markJobDeliveryExhausted } from "../db/jobs";
import { getOrCreateWebhookSecrets } from "../db/webhook-secrets";
import { checkPublicUrl } from "../inputs/url-guard";
import { resultLinkFor } from "../jobs/result-link";
import { sendDeliverMessage } from "../queues";
import { logEvent } from "../log";
import { buildWebhookPayload } from "./payload";
import { nextRetryDelaySeconds, parseRetryAfter } from "./retry-policy";
import { generateWebhookSecret, signatureHeader } from "./sign";

export const WEBHOOK_USER_AGENT = "Lamina-Webhooks/1.0";
const MAX_STORED_RESPONSE_BYTES = 1024;

export type DeliveryOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; delaySeconds: number }
  /** Nothing to do: unknown job, sync job, or its delivery is not pending (a duplicate message). */
  | { kind: "skipped" }
  /** Retrying cannot help (URL now refused, result expired), or every attempt failed: marked exhausted. */
  | { kind: "abandoned" };

export async function deliverJob(env: Env, jobId: string): Promise<DeliveryOutcome> {
  const config = readConfig(env);
  const job = await getJobById(env.DB, jobId);
  if (!job || job.mode !== "async" || job.deliveryStatus !== "pending" || !job.webhookUrl) {
    return { kind: "skipped" };
  }
  const log = { job_id: job.id, api: job.api, account_id: job.accountId };
  if (job.status === "queued" || job.status === "processing") {
    // Only a finished job is delivered; come back once processing is over.
    return { kind: "retry", delaySeconds: config.webhookRetryDelaysSeconds[0] ?? 10 };
  }

  const now = new Date();
  const rejection = checkPublicUrl(job.webhookUrl, config.devHosts);
  // The auth header's value is forgotten with the result; a delivery without it would only be refused.
  const authExpired = job.webhookAuthHeader !== null && job.webhookAuthHeader.value === null;
  const body = rejection || authExpired ? null : await buildWebhookPayload(env.FILES, job, () => resultLinkFor(config, job, now));
  if (rejection || body === null) {
    const reason = rejection ? `webhook_url: ${rejection}` : authExpired ? "webhook auth header no longer retained" : "result no longer retained";
    await recordDeliveryAttempt(
      env.DB,
      job.id,
      { statusCode: null, error: "url_rejected", durationMs: 0, responseBody: reason, createdAt: new Date().toISOString() },
      "failed",
    );
    await markJobDeliveryExhausted(env.DB, job.id);
    logEvent({ event: "delivery_abandoned", ...log, outcome: rejection ? "url_rejected" : authExpired ? "auth_expired" : "result_expired" });
    return { kind: "abandoned" };
  }

  const secrets = await getOrCreateWebhookSecrets(env.DB, job.accountId, generateWebhookSecret(), now.toISOString());
  const signingSecrets = [secrets.secret, ...secrets.previousSecrets];
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": WEBHOOK_USER_AGENT,
    "webhook-id": job.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(signingSecrets, job.id, timestamp, body),
  };
  if (job.webhookAuthHeader?.value) {
    // The name was checked at accept: it can collide with none of the above.
    headers[job.webhookAuthHeader.name] = job.webhookAuthHeader.value;
  }

  const started = Date.now();
  let statusCode: number | null = null;
  let error: DeliveryErrorKind | null = null;
  let responseBody: string | null = null;
  let retryAfterSeconds: number | null = null;
  try {
    const response = await fetch(job.webhookUrl, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(config.webhookTimeoutMs),
    });
    statusCode = response.status;
    responseBody = await readStart(response, MAX_STORED_RESPONSE_BYTES);
    retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"), new Date());
    if (statusCode >= 300 && statusCode < 400) {
      error = "redirect";
    } else if (statusCode < 200 || statusCode >= 300) {
      error = "http_status";
    }
  } catch (err) {
    error = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError") ? "timeout" : "connection_error";
    responseBody = null;
  }
  const durationMs = Date.now() - started;
  const { attempt, failures } = await recordDeliveryAttempt(
    env.DB,
    job.id,
    { statusCode, error, durationMs, responseBody, createdAt: new Date().toISOString() },
    error === null ? "delivered" : "failed",
  );

  if (error === null) {
    logEvent({ event: "delivery_attempt", ...log, attempt, status_code: statusCode, outcome: "delivered", duration_ms: durationMs });
    return { kind: "delivered" };
  }
  if (failures > config.webhookRetryDelaysSeconds.length) {
    await markJobDeliveryExhausted(env.DB, job.id);
    logEvent({ event: "delivery_attempt", ...log, attempt, status_code: statusCode, outcome: error, duration_ms: durationMs });
    logEvent({ event: "delivery_exhausted", ...log, outcome: "exhausted", attempts: failures });
    return { kind: "abandoned" };
  }
  const delaySeconds = nextRetryDelaySeconds({
    failedAttempts: failures,
    scheduleSeconds: config.webhookRetryDelaysSeconds,
    retryAfterSeconds,
    retryAfterCapSeconds: config.webhookRetryAfterMaxSeconds,
  });
  logEvent({
    event: "delivery_attempt",
    ...log,
    attempt,
    status_code: statusCode,
    outcome: error,
    duration_ms: durationMs,
    retry_in_seconds: delaySeconds,
  });
  return { kind: "retry", delaySeconds };
}

/**
 * The first attempt, made where the job finished (in the processing consumer's invocation): the webhook goes out
 * without a hop through the delivery queue and its batch wait. What follows is the delivery consumer's as ever: a
 * retry (or an error of our own storage) is sent to the delivery queue with its delay. Should this invocation die
 * mid-attempt, the processing message reaches its DLQ, whose handler sends the delivery of a finished job.
 */
export async function deliverFirstAttempt(env: Env, jobId: string): Promise<void> {
  let delaySeconds = 0;
  try {
    const outcome = await deliverJob(env, jobId);
    if (outcome.kind !== "retry") {
      return;
    }
    delaySeconds = outcome.delaySeconds;
  } catch (err) {
    logEvent({ event: "delivery_error", job_id: jobId, cause: String(err) });
  }
  await sendDeliverMessage(env.DELIVERY_QUEUE, jobId, delaySeconds);
}

/** The first `limit` bytes of a response body as text; the rest is not read. */
async function readStart(response: Response, limit: number): Promise<string | null> {
  if (!response.body) {
    return null;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Delivery DLQ: our storage kept failing past the queue's retries (the consumer exhausts a failing receiver itself). Credits stay spent (processing itself succeeded or was refunded). */
export async function handleDeadDeliveryMessage(env: Env, jobId: string): Promise<void> {
  if (await markJobDeliveryExhausted(env.DB, jobId)) {
    logEvent({ event: "delivery_exhausted", job_id: jobId, outcome: "exhausted" });
  }
}
