/**
 * Processing one async job, exactly once: claim it (queued → processing), run the API's `process()` (the
 * function the sync path calls), keep the result in R2 or fail and refund, then make the first delivery attempt
 * at once (later ones go through the delivery queue).
 * Also the processing DLQ handler, for a consumer that died mid-job.
 */
import { findApi } from "../apis";
import { failJobAndRefund } from "../db/credits";
import { claimJob, getJobById, markJobSucceeded } from "../db/jobs";
import { deleteJobFiles, getJobInput, inputKey, putJobResult } from "../files";
import { ApiError, formatZodError } from "../errors";
import { logEvent } from "../log";
import { createProcessDeps } from "./deps";
import { sendDeliverMessage } from "../queues";
import { deliverFirstAttempt } from "../webhooks/deliver";
import { failProcessing } from "./fail";

export const CRASHED_JOB_MESSAGE =
  "Processing stopped unexpectedly (the worker crashed or ran out of time or memory); the credits were refunded";

export async function runJob(env: Env, jobId: string): Promise<void> {
  const job = await claimJob(env.DB, jobId, new Date().toISOString());
  if (!job) {
    // Queues deliver at least once; someone else has (or had) this job.
    logEvent({ event: "job_duplicate_message", job_id: jobId, outcome: "skipped" });
    return;
  }
  const started = Date.now();
  const log = { job_id: jobId, api: job.api, account_id: job.accountId, mode: "async" };
  logEvent({ event: "job_processing", ...log, outcome: "claimed" });

  const api = findApi(job.api);
  // A small input came back with the claim; a larger one is in R2.
  const input = job.input !== null ? (JSON.parse(job.input) as unknown) : await getJobInput(env.FILES, jobId);
  try {
    if (!api || input === null) {
      throw new Error(api ? "job input missing from R2" : `unknown api ${job.api}`);
    }
    // Validated again: a deploy between accept and processing may have changed what the API reads.
    const parsed = api.request.safeParse(input);
    if (!parsed.success) {
      throw new ApiError(422, `The queued request no longer matches the API's request schema: ${formatZodError(parsed.error)}`);
    }
    const result = await api.process(parsed.data, createProcessDeps(env, api));
    const stored = await putJobResult(env.FILES, jobId, result);
    if (await markJobSucceeded(env.DB, jobId, { resultKey: stored.key, resultMimeType: stored.mimeType, now: new Date().toISOString() })) {
      logEvent({ event: "job_succeeded", ...log, outcome: "succeeded", duration_ms: Date.now() - started });
    } else {
      // The sweeper failed and refunded the job meanwhile: its error goes out, the result is dropped.
      await deleteJobFiles(env.FILES, [stored.key]);
      logEvent({ event: "job_result_withheld", ...log, outcome: "swept", duration_ms: Date.now() - started });
    }
  } catch (err) {
    await failProcessing(env.DB, jobId, err, { ...log, duration_ms: Date.now() - started });
  }
  if (job.input === null) {
    await deleteJobFiles(env.FILES, [inputKey(jobId)]);
  }
  await deliverFirstAttempt(env, jobId);
}

/**
 * A processing message that the consumer could not finish (it threw, crashed or hit a limit). A job left
 * queued or processing is failed and refunded; either way its result or error is handed to delivery.
 */
export async function handleDeadProcessingMessage(env: Env, jobId: string): Promise<void> {
  await finishAbandonedJob(env, jobId, ["queued", "processing"]);
}

/** Fails + refunds a job still in one of `fromStatuses`, drops its input and sends it to delivery. */
export async function finishAbandonedJob(env: Env, jobId: string, fromStatuses: readonly ("queued" | "processing")[]): Promise<void> {
  const failed = await failJobAndRefund(env.DB, jobId, {
    error: CRASHED_JOB_MESSAGE,
    now: new Date().toISOString(),
    fromStatuses,
  });
  const job = await getJobById(env.DB, jobId);
  if (!job) {
    logEvent({ event: "abandoned_job_unknown", job_id: jobId });
    return;
  }
  if (failed) {
    logEvent({ event: "job_failed", job_id: jobId, api: job.api, account_id: job.accountId, outcome: "abandoned" });
  }
  await deleteJobFiles(env.FILES, [inputKey(jobId)]);
  if (job.deliveryStatus === "pending" && (job.status === "succeeded" || job.status === "failed")) {
    await sendDeliverMessage(env.DELIVERY_QUEUE, jobId);
  }
}
