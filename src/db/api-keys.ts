/** API keys: only a SHA-256 hash and a display prefix are stored; revocation is a timestamp. */
import type { Account } from "./accounts";

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function insertApiKey(
  db: D1Database,
  key: { id: string; accountId: string; keyHash: string; prefix: string; now: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO api_keys (id, account_id, key_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
    .bind(key.id, key.accountId, key.keyHash, key.prefix, key.now)
    .run();
}

/** The account behind an active (not revoked) key, or null. */
export async function findAccountByKeyHash(db: D1Database, keyHash: string): Promise<Account | null> {
  const row = await db
    .prepare(
      `SELECT a.id, a.name, a.credits, a.created_at
         FROM api_keys k JOIN accounts a ON a.id = k.account_id
        WHERE k.key_hash = ?1 AND k.revoked_at IS NULL`,
    )
    .bind(keyHash)
    .first<{ id: string; name: string; credits: number; created_at: string }>();
  return row ? { id: row.id, name: row.name, credits: row.credits, createdAt: row.created_at } : null;
}

/** Revokes a key once; returns false when there is no such key or it was already revoked. */
export async function revokeApiKey(db: D1Database, id: string, now: string): Promise<boolean> {
  const result = await db
    .prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
    .bind(id, now)
    .run();
  return result.meta.changes === 1;
}

export async function getApiKeyById(db: D1Database, id: string): Promise<ApiKeyRecord | null> {
  const row = await db
    .prepare("SELECT id, account_id, prefix, created_at, revoked_at FROM api_keys WHERE id = ?1")
    .bind(id)
    .first<{ id: string; account_id: string; prefix: string; created_at: string; revoked_at: string | null }>();
  return row
    ? { id: row.id, accountId: row.account_id, prefix: row.prefix, createdAt: row.created_at, revokedAt: row.revoked_at }
    : null;
}
