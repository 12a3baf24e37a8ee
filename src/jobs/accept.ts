/**
 * Accepting a charged request, both ways. Sync: charge, run `process()`, refund if it fails. Async: charge,
 * keep the input (in the job's row when small, else in R2), enqueue the job id, answer at once. The charge and
 * the job row are written together (src/db/credits.ts), so there is never a job without its charge nor a charge
 * without a job in flight.
 */
import type { ApiDefinition, ProcessDeps, ProcessResult } from "../apis/define";
import { readConfig } from "../config";
import { chargeAndCreateJob, failJobAndRefund, isUniqueViolation, type ChargeOutcome } from "../db/credits";
import { deleteIdempotencyKey, findIdempotencyKey } from "../db/idempotency-keys";
import { markJobSucceeded } from "../db/jobs";
import { ApiError } from "../errors";
import { deleteJobFiles, inputKey, putJobInput } from "../files";
import { sha256Hex } from "../hash";
import { checkPublicUrl } from "../inputs/url-guard";
import { logEvent } from "../log";
import { sendProcessMessage } from "../queues";
import type { WebhookOptions } from "../webhooks/options";
import { failProcessing } from "./fail";

export interface AcceptContext {
  env: Env;
  accountId: string;
  /** The key that pays, whose monthly budget cap applies. */
  apiKeyId: string;
  deps: ProcessDeps;
}

/** A charge that did not happen, as the 402 the caller gets. */
function refusedCharge(outcome: Exclude<ChargeOutcome, "charged">): ApiError {
  return new ApiError(402, outcome === "budget_cap_exceeded" ? "Budget cap exceeded" : "Insufficient credits");
}

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Inputs up to this size (as JSON) travel in the job's row, written by the charge's own batch: the accept path
 * then needs no R2 write (two storage round trips in all: that batch and the queue send). Larger ones go to R2.
 */
export const INLINE_INPUT_MAX_BYTES = 64 * 1024;

export const SWEPT_SYNC_JOB_MESSAGE =
  "The request ran past the processing time limit and was given up; the credits were refunded. Please retry.";
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/**
 * Charges, processes and records a sync job. `processMs` is the wall time of the API's own processing (from the
 * validated input to the result), for the `Server-Timing` header (SERVER_TIMING).
 */
export async function runSyncJob(ctx: AcceptContext, api: ApiDefinition, input: unknown): Promise<{ result: ProcessResult; processMs: number }> {
  const jobId = crypto.randomUUID();
  const started = Date.now();
  const cost = await api.cost(input);
  const charged = await chargeAndCreateJob(ctx.env.DB, {
    id: jobId,
    accountId: ctx.accountId,
    apiKeyId: ctx.apiKeyId,
    api: api.id,
    mode: "sync",
    cost,
    webhookUrl: null,
    now: new Date().toISOString(),
  });
  if (charged !== "charged") {
    throw refusedCharge(charged);
  }
  const base = { job_id: jobId, api: api.id, account_id: ctx.accountId, mode: "sync" };
  let result: ProcessResult;
  const processStarted = performance.now();
  try {
    result = await api.process(input, ctx.deps);
  } catch (err) {
    throw await failProcessing(ctx.env.DB, jobId, err, { ...base, duration_ms: Date.now() - started });
  }
  const processMs = performance.now() - processStarted;
  const marked = await markJobSucceeded(ctx.env.DB, jobId, {
    resultKey: null,
    resultMimeType: result.kind === "binary" ? result.mimeType : "application/json",
    now: new Date().toISOString(),
  });
  if (!marked) {
    // The sweeper gave the job up (it ran past the processing timeout) and refunded it: a refunded result is
    // never handed out.
    logEvent({ event: "job_result_withheld", ...base, outcome: "swept", duration_ms: Date.now() - started });
    throw new ApiError(503, SWEPT_SYNC_JOB_MESSAGE);
  }
  logEvent({ event: "job_succeeded", ...base, outcome: "succeeded", duration_ms: Date.now() - started });
  return { result, processMs };
}

/**
 * Charges and queues an async job and answers its id. With an Idempotency-Key, a repeat of the same request
 * within 24 h answers the first job's id (nothing charged or created); the same key with another body is a 409.
 * `input` is the API's own input (what is stored and processed); `request` the whole body, which the key covers.
 */
export async function acceptAsyncJob(
  ctx: AcceptContext,
  api: ApiDefinition,
  input: unknown,
  options: { request: unknown; webhook: WebhookOptions; requestOrigin: string; idempotencyKey: string | undefined },
): Promise<string> {
  const { DB, FILES, PROCESSING_QUEUE } = ctx.env;
  const { webhook, idempotencyKey } = options;
  const webhookUrl = webhook.url;
  const config = readConfig(ctx.env);
  const rejection = checkPublicUrl(webhookUrl, config.devHosts);
  if (rejection) {
    throw new ApiError(400, `webhook_url: ${rejection}`);
  }
  if (webhook.resultDelivery === "url" && !config.resultUrlSecret) {
    throw new ApiError(400, 'result_delivery: "url" is not available on this deployment (its RESULT_URL_SECRET is not set); use "inline"');
  }
  const now = new Date();
  let idempotency: { key: string; requestHash: string; expiredBefore: string } | undefined;
  if (idempotencyKey !== undefined) {
    if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new ApiError(400, "Idempotency-Key: must be 1 to 255 printable ASCII characters without spaces");
    }
    idempotency = {
      key: idempotencyKey,
      requestHash: await sha256Hex(`${api.id}\n${JSON.stringify(options.request)}`),
      expiredBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString(),
    };
    const earlier = await findIdempotent(DB, ctx.accountId, idempotency);
    if (earlier) {
      return earlier;
    }
  }

  const jobId = crypto.randomUUID();
  const cost = await api.cost(input);
  const inputJson = JSON.stringify(input);
  const inline = new TextEncoder().encode(inputJson).byteLength <= INLINE_INPUT_MAX_BYTES ? inputJson : null;
  let charged: ChargeOutcome;
  try {
    charged = await chargeAndCreateJob(DB, {
      id: jobId,
      accountId: ctx.accountId,
      apiKeyId: ctx.apiKeyId,
      api: api.id,
      mode: "async",
      cost,
      webhookUrl,
      delivery: { resultDelivery: webhook.resultDelivery, requestOrigin: options.requestOrigin, authHeader: webhook.authHeader },
      input: inline,
      now: now.toISOString(),
      idempotency,
    });
  } catch (err) {
    // A concurrent request with the same key won the race: answer as its repeat.
    const earlier = idempotency && isUniqueViolation(err) ? await findIdempotent(DB, ctx.accountId, idempotency) : null;
    if (earlier) {
      return earlier;
    }
    throw err;
  }
  if (charged !== "charged") {
    throw refusedCharge(charged);
  }

  try {
    if (inline === null) {
      await putJobInput(FILES, jobId, inputJson);
    }
    await sendProcessMessage(PROCESSING_QUEUE, jobId);
  } catch (err) {
    // No charge without a job in flight: refund, forget the key so a retry can reuse it, answer 503.
    await failJobAndRefund(DB, jobId, {
      error: "The job could not be queued; the credits were refunded",
      now: new Date().toISOString(),
      fromStatuses: ["queued"],
    });
    if (inline === null) {
      await deleteJobFiles(FILES, [inputKey(jobId)]);
    }
    if (idempotency) {
      await deleteIdempotencyKey(DB, ctx.accountId, idempotency.key);
    }
    logEvent({ event: "job_enqueue_failed", job_id: jobId, api: api.id, account_id: ctx.accountId, cause: String(err) });
    throw new ApiError(503, "The job could not be queued; nothing was charged. Please retry.");
  }
  logEvent({ event: "job_queued", job_id: jobId, api: api.id, account_id: ctx.accountId, mode: "async", outcome: "queued" });
  return jobId;
}

async function findIdempotent(
  db: D1Database,
  accountId: string,
  idempotency: { key: string; requestHash: string; expiredBefore: string },
): Promise<string | null> {
  const earlier = await findIdempotencyKey(db, accountId, idempotency.key, idempotency.expiredBefore);
  if (!earlier) {
    return null;
  }
  if (earlier.requestHash !== idempotency.requestHash) {
    throw new ApiError(409, "Idempotency-Key was already used with a different request");
  }
  return earlier.jobId;
}
