/** Idempotency keys of accepted async requests: (account, key) → the request's hash and its job. */
export interface IdempotencyRecord {
  requestHash: string;
  jobId: string;
  createdAt: string;
}

/** The record for (account, key) if it was made after `notBefore` (older ones have expired). */
export async function findIdempotencyKey(
  db: D1Database,
  accountId: string,
  key: string,
  notBefore: string,
): Promise<IdempotencyRecord | null> {
  const row = await db
    .prepare(
      "SELECT request_hash, job_id, created_at FROM idempotency_keys WHERE account_id = ?1 AND key = ?2 AND created_at >= ?3",
    )
    .bind(accountId, key, notBefore)
    .first<{ request_hash: string; job_id: string; created_at: string }>();
  return row ? { requestHash: row.request_hash, jobId: row.job_id, createdAt: row.created_at } : null;
}

/** Forgets a key whose request was not accepted after all (the queue send failed), so a retry can use it. */
export async function deleteIdempotencyKey(db: D1Database, accountId: string, key: string): Promise<void> {
  await db.prepare("DELETE FROM idempotency_keys WHERE account_id = ?1 AND key = ?2").bind(accountId, key).run();
}

export async function deleteExpiredIdempotencyKeys(db: D1Database, before: string): Promise<number> {
  const result = await db.prepare("DELETE FROM idempotency_keys WHERE created_at < ?1").bind(before).run();
  return result.meta.changes;
}
