/** One row per webhook POST: what came back (or why nothing did) and how long it took. */
export type DeliveryErrorKind = "timeout" | "connection_error" | "redirect" | "http_status" | "url_rejected";

export interface DeliveryAttempt {
  attempt: number;
  statusCode: number | null;
  error: DeliveryErrorKind | null;
  durationMs: number;
  responseBody: string | null;
  createdAt: string;
}

/**
 * Records the next attempt for the job (numbered after every earlier one, redeliveries included) and, in the same
 * transaction, marks a successful one delivered or counts a failed one against this round's attempt budget.
 * Returns the attempt's number and the failures of this round so far.
 */
export async function recordDeliveryAttempt(
  db: D1Database,
  jobId: string,
  attempt: Omit<DeliveryAttempt, "attempt">,
  outcome: "delivered" | "failed",
): Promise<{ attempt: number; failures: number }> {
  const insert = db
    .prepare(
      `INSERT INTO delivery_attempts (job_id, attempt, status_code, error, duration_ms, response_body, created_at)
       SELECT ?1, COALESCE(MAX(attempt), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM delivery_attempts WHERE job_id = ?1
       RETURNING attempt`,
    )
    .bind(jobId, attempt.statusCode, attempt.error, attempt.durationMs, attempt.responseBody, attempt.createdAt);
  const mark =
    outcome === "delivered"
      ? db
          .prepare(
            `UPDATE jobs SET delivery_status = 'delivered', delivered_at = ?2 WHERE id = ?1 AND delivery_status = 'pending'
             RETURNING delivery_failures AS failures`,
          )
          .bind(jobId, attempt.createdAt)
      : db.prepare("UPDATE jobs SET delivery_failures = delivery_failures + 1 WHERE id = ?1 RETURNING delivery_failures AS failures").bind(jobId);
  const [inserted, marked] = await db.batch<{ attempt?: number; failures?: number }>([insert, mark]);
  return { attempt: inserted!.results[0]!.attempt!, failures: marked!.results[0]?.failures ?? 0 };
}

export async function listDeliveryAttempts(db: D1Database, jobId: string): Promise<DeliveryAttempt[]> {
  const { results } = await db
    .prepare(
      "SELECT attempt, status_code, error, duration_ms, response_body, created_at FROM delivery_attempts WHERE job_id = ?1 ORDER BY attempt",
    )
    .bind(jobId)
    .all<{
      attempt: number;
      status_code: number | null;
      error: DeliveryErrorKind | null;
      duration_ms: number;
      response_body: string | null;
      created_at: string;
    }>();
  return results.map((row) => ({
    attempt: row.attempt,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    responseBody: row.response_body,
    createdAt: row.created_at,
  }));
}
