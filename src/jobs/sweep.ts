/**
 * The cron sweeper: re-sends jobs stuck in 'queued' (a lost message), fails and refunds jobs stuck in
 * 'processing' past the timeout (an async consumer that vanished without reaching the DLQ, or a sync
 * request whose isolate died mid-job), deletes results and webhook auth header values past their retention
 * and forgets expired idempotency keys. Bounded per run; the next run continues.
 */
import { readConfig } from "../config";
import { deleteExpiredIdempotencyKeys } from "../db/idempotency-keys";
import { clearExpiredWebhookAuthValues, clearJobResults, listExpiredResults, listJobsStuckIn } from "../db/jobs";
import { deleteJobFiles } from "../files";
import { logEvent } from "../log";
import { sendProcessMessage } from "../queues";
import { finishAbandonedJob } from "./run";

const BATCH_LIMIT = 100;

export interface SweepReport {
  requeued: number;
  abandoned: number;
  expiredResults: number;
  expiredIdempotencyKeys: number;
  expiredWebhookAuthValues: number;
}

export async function sweep(env: Env, now = new Date()): Promise<SweepReport> {
  const config = readConfig(env);
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  const stuckQueued = await listJobsStuckIn(env.DB, "queued", ago(config.stuckQueuedSeconds), BATCH_LIMIT);
  for (const jobId of stuckQueued) {
    await sendProcessMessage(env.PROCESSING_QUEUE, jobId);
  }

  // A sync job's request is far shorter than a consumer's invocation: one left processing is given up sooner.
  const stuckSync = await listJobsStuckIn(env.DB, "processing", ago(config.syncProcessingTimeoutSeconds), BATCH_LIMIT, "sync");
  const stuckAsync = await listJobsStuckIn(env.DB, "processing", ago(config.processingTimeoutSeconds), BATCH_LIMIT, "async");
  const stuckProcessing = [...stuckSync, ...stuckAsync];
  for (const jobId of stuckProcessing) {
    await finishAbandonedJob(env, jobId, ["processing"]);
  }

  const expired = await listExpiredResults(env.DB, ago(config.resultRetentionHours * 3600), BATCH_LIMIT);
  await deleteJobFiles(env.FILES, expired.map((job) => job.resultKey));
  await clearJobResults(env.DB, expired.map((job) => job.id));
  // A webhook auth header's value is kept as long as the result, and no longer.
  const expiredWebhookAuthValues = await clearExpiredWebhookAuthValues(env.DB, ago(config.resultRetentionHours * 3600), BATCH_LIMIT);

  const expiredIdempotencyKeys = await deleteExpiredIdempotencyKeys(env.DB, ago(24 * 3600));

  const report = {
    requeued: stuckQueued.length,
    abandoned: stuckProcessing.length,
    expiredResults: expired.length,
    expiredIdempotencyKeys,
    expiredWebhookAuthValues,
  };
  logEvent({ event: "sweep", ...report });
  return report;
}
