/** Each account's webhook signing secret, and the previous one while a rotation's grace period runs. */
export interface WebhookSecrets {
  secret: string;
  /** The secret before the last rotation, only while its grace period runs (null once it has expired). */
  previousSecret: string | null;
  previousExpiresAt: string | null;
}

interface WebhookSecretRow {
  secret: string;
  previous_secret: string | null;
  previous_expires_at: string | null;
}

function rowToSecrets(row: WebhookSecretRow, now: string): WebhookSecrets {
  const live = row.previous_secret !== null && row.previous_expires_at !== null && row.previous_expires_at > now;
  return {
    secret: row.secret,
    previousSecret: live ? row.previous_secret : null,
    previousExpiresAt: live ? row.previous_expires_at : null,
  };
}

/**
 * The account's secrets as of `now`, creating the secret with `candidate` on first use (the first writer wins).
 * Read first: every delivery asks, and only the first one ever needs to write.
 */
export async function getOrCreateWebhookSecrets(
  db: D1Database,
  accountId: string,
  candidate: string,
  now: string,
): Promise<WebhookSecrets> {
  const existing = await db
    .prepare("SELECT secret, previous_secret, previous_expires_at FROM webhook_secrets WHERE account_id = ?1")
    .bind(accountId)
    .first<WebhookSecretRow>();
  if (existing) {
    return rowToSecrets(existing, now);
  }
  const [, select] = await db.batch([
    db
      .prepare("INSERT INTO webhook_secrets (account_id, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
      .bind(accountId, candidate, now),
    db.prepare("SELECT secret, previous_secret, previous_expires_at FROM webhook_secrets WHERE account_id = ?1").bind(accountId),
  ]);
  return rowToSecrets(select!.results[0] as WebhookSecretRow, now);
}

/** Replaces the secret; the old one stays valid for signing until `previousExpiresAt`. */
export async function rotateWebhookSecret(
  db: D1Database,
  accountId: string,
  rotation: { secret: string; now: string; previousExpiresAt: string },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO webhook_secrets (account_id, secret, created_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (account_id) DO UPDATE SET
         previous_secret = webhook_secrets.secret,
         previous_expires_at = ?4,
         secret = excluded.secret,
         created_at = excluded.created_at`,
    )
    .bind(accountId, rotation.secret, rotation.now, rotation.previousExpiresAt)
    .run();
}
