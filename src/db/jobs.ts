/** Jobs: one row per charged request, sync or async. State changes are compare-and-set on `status`. */
export type JobMode = "sync" | "async";
export type JobStatus = "queued" | "processing" | "succeeded" | "failed";
export type DeliveryStatus = "pending" | "delivered" | "exhausted";

export interface Job {
  id: string;
  accountId: string;
  api: string;
  mode: JobMode;
  status: JobStatus;
  cost: number;
  webhookUrl: string | null;
  deliveryStatus: DeliveryStatus | null;
  resultKey: string | null;
  resultMimeType: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  deliveredAt: string | null;
}

interface JobRow {
  id: string;
  account_id: string;
  api: string;
  mode: JobMode;
  status: JobStatus;
  cost: number;
  webhook_url: string | null;
  delivery_status: DeliveryStatus | null;
  result_key: string | null;
  result_mime_type: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  delivered_at: string | null;
}

function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    accountId: row.account_id,
    api: row.api,
    mode: row.mode,
    status: row.status,
    cost: row.cost,
    webhookUrl: row.webhook_url,
    deliveryStatus: row.delivery_status,
    resultKey: row.result_key,
    resultMimeType: row.result_mime_type,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    deliveredAt: row.delivered_at,
  };
}

export async function getJobById(db: D1Database, id: string): Promise<Job | null> {
  const row = await db.prepare("SELECT * FROM jobs WHERE id = ?1").bind(id).first<JobRow>();
  return row ? rowToJob(row) : null;
}

/** queued → processing. False when another consumer already claimed the job (a duplicate message). */
export async function claimJob(db: D1Database, id: string, now: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE jobs SET status = 'processing', started_at = ?2 WHERE id = ?1 AND status = 'queued'")
    .bind(id, now)
    .run();
  return result.meta.changes === 1;
}

/** processing → succeeded, recording where the result is. */
export async function markJobSucceeded(
  db: D1Database,
  id: string,
  result: { resultKey: string | null; resultMimeType: string | null; now: string },
): Promise<boolean> {
  const outcome = await db
    .prepare(
      `UPDATE jobs SET status = 'succeeded', result_key = ?2, result_mime_type = ?3, finished_at = ?4
        WHERE id = ?1 AND status = 'processing'`,
    )
    .bind(id, result.resultKey, result.resultMimeType, result.now)
    .run();
  return outcome.meta.changes === 1;
}
