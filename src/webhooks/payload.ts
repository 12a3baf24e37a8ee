/**
 * The webhook body, built at delivery time from the job row and, for a success, the result in R2:
 * `{success: true, api, job_id, data}` (binary data as `{buffer, mime_type}`, as in the sync response) or
 * `{success: false, api, job_id, error: {message}}` (the wire contract's object-shaped error).
 */
import { resultToWireData } from "../apis/define";
import type { Job } from "../db/jobs";
import { getJobResult } from "../files";

/** The JSON body to POST, or null when the result is no longer retained. */
export async function buildWebhookPayload(bucket: R2Bucket, job: Job): Promise<string | null> {
  if (job.status === "succeeded") {
    const result = job.resultKey ? await getJobResult(bucket, job.resultKey) : null;
    if (!result) {
      return null;
    }
    return JSON.stringify({ success: true, api: job.api, job_id: job.id, data: resultToWireData(result) });
  }
  return JSON.stringify({
    success: false,
    api: job.api,
    job_id: job.id,
    error: { message: job.error ?? "Processing failed" },
  });
}
