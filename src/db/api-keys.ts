/** API keys: only a SHA-256 hash and a display prefix are stored; revocation is a timestamp. */
import { rowToAccount, type Account, type AccountRow } from "./accounts";

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  prefix: string;
  /** Credits the key may spend per calendar month (UTC); null is no cap. */
  monthlyBudgetCap: number | null;
  createdAt: string;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  account_id: string;
  prefix: string;
  monthly_budget_cap: number | null;
  created_at: string;
  revoked_at: string | null;
}

function rowToApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    prefix: row.prefix,
    monthlyBudgetCap: row.monthly_budget_cap,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export async function insertApiKey(
  db: D1Database,
  key: { id: string; accountId: string; keyHash: string; prefix: string; monthlyBudgetCap: number | null; now: string },
): Promise<void> {
  await db
    .prepare("INSERT INTO api_keys (id, account_id, key_hash, prefix, monthly_budget_cap, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
    .bind(key.id, key.accountId, key.keyHash, key.prefix, key.monthlyBudgetCap, key.now)
    .run();
}

/** An active (not revoked) key with its account, or null. One query: it runs on every authenticated request. */
export async function findApiKeyOwner(db: D1Database, keyHash: string): Promise<{ account: Account; apiKey: ApiKeyRecord } | null> {
  const row = await db
    .prepare(
      `SELECT a.id, a.name, a.credits, a.rate_limit_per_minute, a.created_at,
              k.id AS key_id, k.prefix, k.monthly_budget_cap, k.created_at AS key_created_at
         FROM api_keys k JOIN accounts a ON a.id = k.account_id
        WHERE k.key_hash = ?1 AND k.revoked_at IS NULL`,
    )
    .bind(keyHash)
    .first<AccountRow & { key_id: string; prefix: string; monthly_budget_cap: number | null; key_created_at: string }>();
  if (!row) {
    return null;
  }
  return {
    account: rowToAccount(row),
    apiKey: rowToApiKey({
      id: row.key_id,
      account_id: row.id,
      prefix: row.prefix,
      monthly_budget_cap: row.monthly_budget_cap,
      created_at: row.key_created_at,
      revoked_at: null,
    }),
  };
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
    .prepare("SELECT id, account_id, prefix, monthly_budget_cap, created_at, revoked_at FROM api_keys WHERE id = ?1")
    .bind(id)
    .first<ApiKeyRow>();
  return row ? rowToApiKey(row) : null;
}

/** Sets or clears (null) a key's monthly cap. Returns the key, or null if there is no such key. */
export async function setApiKeyBudgetCap(db: D1Database, id: string, monthlyBudgetCap: number | null): Promise<ApiKeyRecord | null> {
  const row = await db
    .prepare(
      "UPDATE api_keys SET monthly_budget_cap = ?2 WHERE id = ?1 RETURNING id, account_id, prefix, monthly_budget_cap, created_at, revoked_at",
    )
    .bind(id, monthlyBudgetCap)
    .first<ApiKeyRow>();
  return row ? rowToApiKey(row) : null;
}

/** Credits the key spent in `month` ('YYYY-MM', UTC). */
export async function getApiKeySpend(db: D1Database, apiKeyId: string, month: string): Promise<number> {
  const row = await db
    .prepare("SELECT spent FROM api_key_spend WHERE api_key_id = ?1 AND month = ?2")
    .bind(apiKeyId, month)
    .first<{ spent: number }>();
  return row?.spent ?? 0;
}
