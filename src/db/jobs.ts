/** Jobs: one row per charged request, sync or async. State changes are compare-and-set on `status`. */
export type JobMode = "sync" | "async";
export type JobStatus = "queued" | "processing" | "succeeded" | "failed";
export type DeliveryStatus = "pending" | "delivered" | "exhausted";
export type ResultDelivery = "inline" | "url";

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
  resultDelivery: ResultDelivery;
  requestOrigin: string | null;
  /** Sent with every delivery attempt; the value is null once the sweeper cleared it after the retention. */
  webhookAuthHeader: { name: string; value: string | null } | null;
  /** A small queued input as JSON (kept in the row instead of R2 until the job has run), else null. */
  input: string | null;
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
  result_delivery: ResultDelivery;
  request_origin: string | null;
  webhook_auth_header_name: string | null;
  webhook_auth_header_value: string | null;
  input: string | null;
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
    resultDelivery: row.result_delivery,
    requestOrigin: row.request_origin,
    webhookAuthHeader: row.webhook_auth_header_name
      ? { name: row.webhook_auth_header_name, value: row.webhook_auth_header_value }
      : null,
    input: row.input,
  };
}

export async function getJobById(db: D1Database, id: string): Promise<Job | null> {
  const row = await db.prepare("SELECT * FROM jobs WHERE id = ?1").bind(id).first<JobRow>();
  return row ? rowToJob(row) : null;
}

/**
 * queued → processing, answering the claimed job in the same round trip; null when another consumer
 * already claimed it (a duplicate message).
 */
export async function claimJob(db: D1Database, id: string, now: string): Promise<Job | null> {
  const row = await db
    .prepare("UPDATE jobs SET status = 'processing', started_at = ?2 WHERE id = ?1 AND status = 'queued' RETURNING *")
    .bind(id, now)
    .first<JobRow>();
  return row ? rowToJob(row) : null;
}

/** processing → succeeded, recording where the result is (and dropping an inline input: it has run). */
export async function markJobSucceeded(
  db: D1Database,
  id: string,
  result: { resultKey: string | null; resultMimeType: string | null; now: string },
): Promise<boolean> {
  const outcome = await db
    .prepare(
      `UPDATE jobs SET status = 'succeeded', result_key = ?2, result_mime_type = ?3, finished_at = ?4, input = NULL
        WHERE id = ?1 AND status = 'processing'`,
    )
    .bind(id, result.resultKey, result.resultMimeType, result.now)
    .run();
  return outcome.meta.changes === 1;
}

/** pending → exhausted: every attempt failed. Credits stay spent; processing succeeded or was refunded. */
export async function markJobDeliveryExhausted(db: D1Database, id: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE jobs SET delivery_status = 'exhausted' WHERE id = ?1 AND delivery_status = 'pending'")
    .bind(id)
    .run();
  return result.meta.changes === 1;
}

/** Ids of jobs in `status` since before `before`, oldest first (only async jobs are ever queued; a sync job
 * left processing means its request's isolate died mid-job). */
export async function listJobsStuckIn(
  db: D1Database,
  status: "queued" | "processing",
  before: string,
  limit: number,
  mode?: "sync" | "async",
): Promise<string[]> {
  const column = status === "queued" ? "created_at" : "started_at";
  const { results } = await db
    .prepare(`SELECT id FROM jobs WHERE status = ?1 AND ${column} < ?2 AND (?4 IS NULL OR mode = ?4) ORDER BY ${column} LIMIT ?3`)
    .bind(status, before, limit, mode ?? null)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Jobs whose stored result is older than the retention cut-off. */
export async function listExpiredResults(db: D1Database, before: string, limit: number): Promise<{ id: string; resultKey: string }[]> {
  const { results } = await db
    .prepare("SELECT id, result_key FROM jobs WHERE result_key IS NOT NULL AND finished_at < ?1 ORDER BY finished_at LIMIT ?2")
    .bind(before, limit)
    .all<{ id: string; result_key: string }>();
  return results.map((row) => ({ id: row.id, resultKey: row.result_key }));
}

export async function clearJobResults(db: D1Database, ids: string[]): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  await db.batch(ids.map((id) => db.prepare("UPDATE jobs SET result_key = NULL WHERE id = ?1").bind(id)));
}

/** Forgets the webhook auth header values of jobs finished before the retention cut-off; returns how many. */
export async function clearExpiredWebhookAuthValues(db: D1Database, before: string, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `UPDATE jobs SET webhook_auth_header_value = NULL
        WHERE id IN (SELECT id FROM jobs WHERE webhook_auth_header_value IS NOT NULL AND finished_at < ?1 LIMIT ?2)`,
    )
    .bind(before, limit)
    .run();
  return result.meta.changes;
}
