/**
 * Every movement of credits. Each function is one D1 batch (one transaction) that changes the balance
 * and writes the matching ledger row together, so SUM(ledger.amount) always equals accounts.credits.
 */
import type { JobMode, ResultDelivery } from "./jobs";

export type ChargeOutcome = "charged" | "insufficient_credits" | "budget_cap_exceeded";

export interface NewJob {
  id: string;
  accountId: string;
  /** The key that pays: its monthly budget cap is checked and its spend raised in the same batch. */
  apiKeyId: string;
  api: string;
  mode: JobMode;
  cost: number;
  webhookUrl: string | null;
  /** Async only: a small input kept in the row (JSON), else null (it is in R2). */
  input?: string | null;
  /** Async only: how the webhook carries a binary result, the origin its link points at, and the auth header. */
  delivery?: { resultDelivery: ResultDelivery; requestOrigin: string; authHeader: { name: string; value: string } | null };
  now: string;
  /** Reserve this Idempotency-Key for the job in the same transaction; a live duplicate makes the batch throw. */
  idempotency?: { key: string; requestHash: string; expiredBefore: string };
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed/i.test(err.message);
}

/** The calendar month ('YYYY-MM', UTC) of an ISO timestamp: the period of a key's budget cap. */
export const budgetMonth = (isoTimestamp: string) => isoTimestamp.slice(0, 7);

/**
 * Debits `cost` and creates the job, or does nothing when the balance is short or the key's monthly budget cap
 * would be passed. The debit is conditional on both; it gates the job insert (`changes() = 1`), which gates the
 * ledger row, which gates raising the key's spend, so parallel requests can never overdraw nor pass a cap, and
 * no job exists without its charge. A refusal is told apart by a read inside the same transaction.
 */
export async function chargeAndCreateJob(db: D1Database, job: NewJob): Promise<ChargeOutcome> {
  const status = job.mode === "sync" ? "processing" : "queued";
  const deliveryStatus = job.mode === "sync" ? null : "pending";
  const startedAt = job.mode === "sync" ? job.now : null;
  const month = budgetMonth(job.now);
  const statements = [
    db
      .prepare(
        `UPDATE accounts SET credits = credits - ?1
          WHERE id = ?2 AND credits >= ?1
            AND NOT EXISTS (
              SELECT 1 FROM api_keys k
               WHERE k.id = ?3 AND k.monthly_budget_cap IS NOT NULL
                 AND COALESCE((SELECT spent FROM api_key_spend WHERE api_key_id = ?3 AND month = ?4), 0) + ?1 > k.monthly_budget_cap)`,
      )
      .bind(job.cost, job.accountId, job.apiKeyId, month),
    db
      .prepare(
        `INSERT INTO jobs (id, account_id, api_key_id, api, mode, status, cost, webhook_url, delivery_status, created_at, started_at,
                           result_delivery, request_origin, webhook_auth_header_name, webhook_auth_header_value, input)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16 WHERE changes() = 1`,
      )
      .bind(
        job.id,
        job.accountId,
        job.apiKeyId,
        job.api,
        job.mode,
        status,
        job.cost,
        job.webhookUrl,
        deliveryStatus,
        job.now,
        startedAt,
        job.delivery?.resultDelivery ?? "inline",
        job.delivery?.requestOrigin ?? null,
        job.delivery?.authHeader?.name ?? null,
        job.delivery?.authHeader?.value ?? null,
        job.input ?? null,
      ),
    db
      .prepare(
        `INSERT INTO credit_ledger (account_id, job_id, reason, amount, created_at)
         SELECT ?1, ?2, 'debit', -?3, ?4 WHERE changes() = 1`,
      )
      .bind(job.accountId, job.id, job.cost, job.now),
    db
      .prepare(
        `INSERT INTO api_key_spend (api_key_id, month, spent) SELECT ?1, ?2, ?3 WHERE changes() = 1
         ON CONFLICT (api_key_id, month) DO UPDATE SET spent = spent + excluded.spent`,
      )
      .bind(job.apiKeyId, month, job.cost),
  ];
  if (job.idempotency) {
    const { key, requestHash, expiredBefore } = job.idempotency;
    statements.unshift(
      db
        .prepare("DELETE FROM idempotency_keys WHERE account_id = ?1 AND key = ?2 AND created_at < ?3")
        .bind(job.accountId, key, expiredBefore),
    );
    statements.push(
      db
        .prepare(
          `INSERT INTO idempotency_keys (account_id, key, request_hash, job_id, created_at)
           SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?4)`,
        )
        .bind(job.accountId, key, requestHash, job.id, job.now),
    );
  }
  statements.push(db.prepare("SELECT credits FROM accounts WHERE id = ?1").bind(job.accountId));
  const results = await db.batch(statements);
  if (results[job.idempotency ? 2 : 1]?.meta.changes === 1) {
    return "charged";
  }
  const balance = (results.at(-1)?.results[0] as { credits: number } | undefined)?.credits ?? 0;
  return balance < job.cost ? "insufficient_credits" : "budget_cap_exceeded";
}

/**
 * Marks a job failed (only from one of `fromStatuses`) and refunds its cost, exactly once: the status
 * compare-and-set gates the refund row, the refund row's unique index stops a second refund whoever asks,
 * and the balance moves only when the refund row was written, and with it the paying key's spend in the month
 * of the charge. Returns true when this call failed the job.
 */
export async function failJobAndRefund(
  db: D1Database,
  jobId: string,
  failure: { error: string; now: string; fromStatuses: readonly string[] },
): Promise<boolean> {
  const from = JSON.stringify(failure.fromStatuses);
  const [markFailed] = await db.batch([
    db
      .prepare(
        `UPDATE jobs SET status = 'failed', error = ?2, finished_at = ?3, input = NULL
          WHERE id = ?1 AND status IN (SELECT value FROM json_each(?4))`,
      )
      .bind(jobId, failure.error, failure.now, from),
    db
      .prepare(
        `INSERT INTO credit_ledger (account_id, job_id, reason, amount, created_at)
         SELECT account_id, id, 'refund', cost, ?2 FROM jobs WHERE id = ?1 AND changes() = 1
         ON CONFLICT DO NOTHING`,
      )
      .bind(jobId, failure.now),
    db
      .prepare(
        `UPDATE accounts SET credits = credits + (SELECT cost FROM jobs WHERE id = ?1)
          WHERE id = (SELECT account_id FROM jobs WHERE id = ?1) AND changes() = 1`,
      )
      .bind(jobId),
    db
      .prepare(
        `UPDATE api_key_spend SET spent = MAX(0, spent - (SELECT cost FROM jobs WHERE id = ?1))
          WHERE (api_key_id, month) = (SELECT api_key_id, substr(created_at, 1, 7) FROM jobs WHERE id = ?1) AND changes() = 1`,
      )
      .bind(jobId),
  ]);
  return markFailed?.meta.changes === 1;
}

/** Adds credits to an account (an operator grant). Returns the new balance, or null for an unknown account. */
export async function grantCredits(
  db: D1Database,
  grant: { accountId: string; amount: number; now: string },
): Promise<number | null> {
  const [, , balance] = await db.batch([
    db.prepare("UPDATE accounts SET credits = credits + ?2 WHERE id = ?1").bind(grant.accountId, grant.amount),
    db
      .prepare(
        `INSERT INTO credit_ledger (account_id, job_id, reason, amount, created_at)
         SELECT ?1, NULL, 'grant', ?2, ?3 WHERE changes() = 1`,
      )
      .bind(grant.accountId, grant.amount, grant.now),
    db.prepare("SELECT credits FROM accounts WHERE id = ?1").bind(grant.accountId),
  ]);
  const row = balance?.results[0] as { credits: number } | undefined;
  return row ? row.credits : null;
}
