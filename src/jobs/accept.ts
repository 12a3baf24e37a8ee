/**
 * Accepting a charged request. Sync: charge, run `process()`, refund if it fails. The charge and the
 * job row are written together (src/db/credits.ts), so there is never a job without its charge.
 */
import type { ApiDefinition, ProcessDeps, ProcessResult } from "../apis/define";
import { chargeAndCreateJob, failJobAndRefund } from "../db/credits";
import { markJobSucceeded } from "../db/jobs";
import { ApiError, INTERNAL_ERROR_MESSAGE } from "../errors";
import { logEvent } from "../log";

export interface AcceptContext {
  db: D1Database;
  accountId: string;
  deps: ProcessDeps;
}

export async function runSyncJob(ctx: AcceptContext, api: ApiDefinition, input: unknown): Promise<ProcessResult> {
  const jobId = crypto.randomUUID();
  const cost = api.cost(input);
  const started = Date.now();
  const charged = await chargeAndCreateJob(ctx.db, {
    id: jobId,
    accountId: ctx.accountId,
    api: api.id,
    mode: "sync",
    cost,
    webhookUrl: null,
    now: new Date().toISOString(),
  });
  if (!charged) {
    throw new ApiError(402, "Insufficient credits");
  }
  const base = { job_id: jobId, api: api.id, account_id: ctx.accountId };
  let result: ProcessResult;
  try {
    result = await api.process(input, ctx.deps);
  } catch (err) {
    const userError = toUserError(err);
    await failJobAndRefund(ctx.db, jobId, {
      error: userError.message,
      now: new Date().toISOString(),
      fromStatuses: ["processing"],
    });
    logEvent({
      event: "job_failed",
      ...base,
      mode: "sync",
      outcome: userError.status === 500 ? "internal_error" : "unprocessable",
      duration_ms: Date.now() - started,
      ...(userError.status === 500 ? { cause: String(err) } : {}),
    });
    throw userError;
  }
  await markJobSucceeded(ctx.db, jobId, {
    resultKey: null,
    resultMimeType: result.kind === "binary" ? result.mimeType : "application/json",
    now: new Date().toISOString(),
  });
  logEvent({ event: "job_succeeded", ...base, mode: "sync", outcome: "succeeded", duration_ms: Date.now() - started });
  return result;
}

/**
 * What a caller may see of a processing failure: our ApiErrors below 500 as they are (they are written
 * for users); anything else becomes a generic 500, its details only in the log.
 */
export function toUserError(err: unknown): ApiError {
  if (err instanceof ApiError && err.status < 500) {
    return err;
  }
  return new ApiError(500, INTERNAL_ERROR_MESSAGE);
}
