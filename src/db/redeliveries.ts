/**
 * Redeliveries: a finished job's delivery reopened on request. Free, so capped: at most `perJob` for one job and
 * `perAccountHour` for one account in any hour. Reopening and recording are one transaction whose update is
 * gated by both counts, so parallel requests cannot pass a cap together.
 */
export interface RedeliveryCaps {
  perJob: number;
  perAccountHour: number;
}

export type RedeliveryOutcome = "reopened" | "busy" | "job_cap" | "account_cap";

export async function reopenForRedelivery(
  db: D1Database,
  request: { jobId: string; accountId: string; now: string; hourAgo: string; caps: RedeliveryCaps },
): Promise<RedeliveryOutcome> {
  const { jobId, accountId, now, hourAgo, caps } = request;
  const [reopen] = await db.batch([
    db
      .prepare(
        `UPDATE jobs SET delivery_status = 'pending', delivery_failures = 0
          WHERE id = ?1 AND mode = 'async' AND status IN ('succeeded', 'failed')
            AND delivery_status IN ('delivered', 'exhausted')
            AND (SELECT COUNT(*) FROM redeliveries WHERE job_id = ?1) < ?2
            AND (SELECT COUNT(*) FROM redeliveries WHERE account_id = ?3 AND created_at > ?4) < ?5`,
      )
      .bind(jobId, caps.perJob, accountId, hourAgo, caps.perAccountHour),
    db
      .prepare("INSERT INTO redeliveries (account_id, job_id, created_at) SELECT ?1, ?2, ?3 WHERE changes() = 1")
      .bind(accountId, jobId, now),
  ]);
  if (reopen!.meta.changes === 1) {
    return "reopened";
  }
  const counts = await db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM redeliveries WHERE job_id = ?1) AS job,
              (SELECT COUNT(*) FROM redeliveries WHERE account_id = ?2 AND created_at > ?3) AS account`,
    )
    .bind(jobId, accountId, hourAgo)
    .first<{ job: number; account: number }>();
  if (counts && counts.job >= caps.perJob) return "job_cap";
  if (counts && counts.account >= caps.perAccountHour) return "account_cap";
  return "busy";
}

/** Undoes a reopen whose queue send failed: the delivery returns to where it was, and the redelivery is not counted. */
export async function undoRedelivery(db: D1Database, request: { jobId: string; accountId: string; now: string; previous: "delivered" | "exhausted" }): Promise<void> {
  await db.batch([
    db.prepare("UPDATE jobs SET delivery_status = ?2 WHERE id = ?1 AND delivery_status = 'pending'").bind(request.jobId, request.previous),
    db.prepare("DELETE FROM redeliveries WHERE job_id = ?1 AND account_id = ?2 AND created_at = ?3").bind(request.jobId, request.accountId, request.now),
  ]);
}
