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
 * Records the next attempt for the job (numbered after every earlier one, redeliveries included) and, for a
 * successful one, marks the delivery delivered in the same transaction. Returns the attempt's number.
 */
export async function recordDeliveryAttempt(
  db: D1Database,
  jobId: string,
  attempt: Omit<DeliveryAttempt, "attempt">,
  outcome: "delivered" | "failed",
): Promise<number> {
  const insert = db
    .prepare(
      `INSERT INTO delivery_attempts (job_id, attempt, status_code, error, duration_ms, response_body, created_at)
       SELECT ?1, COALESCE(MAX(attempt), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM delivery_attempts WHERE job_id = ?1
       RETURNING attempt`,
    )
    .bind(jobId, attempt.statusCode, attempt.error, attempt.durationMs, attempt.responseBody, attempt.createdAt);
  const statements = [insert];
  if (outcome === "delivered") {
    statements.push(
      db
        .prepare("UPDATE jobs SET delivery_status = 'delivered', delivered_at = ?2 WHERE id = ?1 AND delivery_status = 'pending'")
        .bind(jobId, attempt.createdAt),
    );
  }
  const [inserted] = await db.batch<{ attempt: number }>(statements);
  return inserted!.results[0]!.attempt;
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
