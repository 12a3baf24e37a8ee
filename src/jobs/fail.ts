/** The one processing-failure path, for sync and async jobs alike (jobs/accept.ts and jobs/run.ts). */
import { failJobAndRefund } from "../db/credits";
import { ApiError, INTERNAL_ERROR_MESSAGE } from "../errors";
import { logEvent } from "../log";

/**
 * Records that `process()` threw: the job (still `processing`) fails and is refunded, one log line says why,
 * and the error a caller may see comes back.
 */
export async function failProcessing(
  db: D1Database,
  jobId: string,
  err: unknown,
  log: { job_id: string; api: string; account_id: string; mode: string; duration_ms: number },
): Promise<ApiError> {
  const userError = toUserError(err);
  await failJobAndRefund(db, jobId, { error: userError.message, now: new Date().toISOString(), fromStatuses: ["processing"] });
  const internal = userError.status === 500;
  logEvent({
    event: "job_failed",
    ...log,
    outcome: internal ? "internal_error" : "unprocessable",
    ...(internal ? { cause: String(err) } : {}),
  });
  return userError;
}

/**
 * What a caller may see of a processing failure: our ApiErrors below 500 as they are (they are written
 * for users); anything else becomes a generic message, its details only in the log.
 */
function toUserError(err: unknown): ApiError {
  if (err instanceof ApiError && err.status < 500) {
    return err;
  }
  return new ApiError(500, INTERNAL_ERROR_MESSAGE);
}
