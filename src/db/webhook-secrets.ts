/** Each account's webhook signing secret, and the replaced ones while their rotations' grace periods run. */
export interface WebhookSecrets {
  secret: string;
  /** Secrets replaced by rotations whose grace periods still run, newest first (they keep signing). */
  previousSecrets: string[];
  /** When the last of them stops signing (null when none does). */
  previousExpiresAt: string | null;
}

/** Replaced secrets kept besides the latest one: three previous secrets sign at most. */
const MAX_OLDER_SECRETS = 2;

interface WebhookSecretRow {
  secret: string;
  previous_secret: string | null;
  previous_expires_at: string | null;
  older_secrets: string | null;
}

interface ReplacedSecret {
  secret: string;
  expires_at: string;
}

/** The replaced secrets still in their grace period, newest first. */
function liveReplaced(row: WebhookSecretRow, now: string): ReplacedSecret[] {
  const latest = row.previous_secret !== null && row.previous_expires_at !== null ? [{ secret: row.previous_secret, expires_at: row.previous_expires_at }] : [];
  const older = row.older_secrets ? (JSON.parse(row.older_secrets) as ReplacedSecret[]) : [];
  return [...latest, ...older].filter((replaced) => replaced.expires_at > now);
}

function rowToSecrets(row: WebhookSecretRow, now: string): WebhookSecrets {
  const replaced = liveReplaced(row, now);
  return {
    secret: row.secret,
    previousSecrets: replaced.map((entry) => entry.secret),
    previousExpiresAt: replaced.reduce<string | null>((latest, entry) => (latest === null || entry.expires_at > latest ? entry.expires_at : latest), null),
  };
}

const SELECT_SECRETS = "SELECT secret, previous_secret, previous_expires_at, older_secrets FROM webhook_secrets WHERE account_id = ?1";

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
  const existing = await db.prepare(SELECT_SECRETS).bind(accountId).first<WebhookSecretRow>();
  if (existing) {
    return rowToSecrets(existing, now);
  }
  const [, select] = await db.batch([
    db
      .prepare("INSERT INTO webhook_secrets (account_id, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
      .bind(accountId, candidate, now),
    db.prepare(SELECT_SECRETS).bind(accountId),
  ]);
  return rowToSecrets(select!.results[0] as WebhookSecretRow, now);
}

/**
 * Replaces the secret; the replaced one keeps signing until `previousExpiresAt`, and secrets replaced earlier keep
 * theirs (up to MAX_OLDER_SECRETS of them). A compare-and-set on the current secret: of two rotations at once, the
 * second reads again and replaces the first one's secret.
 */
export async function rotateWebhookSecret(
  db: D1Database,
  accountId: string,
  rotation: { secret: string; now: string; previousExpiresAt: string },
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await db.prepare(SELECT_SECRETS).bind(accountId).first<WebhookSecretRow>();
    if (!current) {
      const inserted = await db
        .prepare("INSERT INTO webhook_secrets (account_id, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
        .bind(accountId, rotation.secret, rotation.now)
        .run();
      if (inserted.meta.changes === 1) return;
      continue;
    }
    const older = liveReplaced(current, rotation.now).slice(0, MAX_OLDER_SECRETS);
    const updated = await db
      .prepare(
        `UPDATE webhook_secrets SET secret = ?2, created_at = ?3, previous_secret = ?4, previous_expires_at = ?5, older_secrets = ?6
          WHERE account_id = ?1 AND secret = ?4`,
      )
      .bind(accountId, rotation.secret, rotation.now, current.secret, rotation.previousExpiresAt, older.length > 0 ? JSON.stringify(older) : null)
      .run();
    if (updated.meta.changes === 1) return;
  }
  throw new Error("webhook secret rotation lost three races in a row");
}
