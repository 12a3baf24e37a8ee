/** Accounts. A new account's opening balance is written as a ledger grant in the same batch. */
export interface Account {
  id: string;
  name: string;
  credits: number;
  /** Requests per minute; null follows the deployment's RATE_LIMIT_PER_MINUTE, 0 is unlimited. */
  rateLimitPerMinute: number | null;
  createdAt: string;
}

export interface AccountRow {
  id: string;
  name: string;
  credits: number;
  rate_limit_per_minute: number | null;
  created_at: string;
}

export function rowToAccount(row: AccountRow): Account {
  return { id: row.id, name: row.name, credits: row.credits, rateLimitPerMinute: row.rate_limit_per_minute, createdAt: row.created_at };
}

export async function insertAccountWithGrant(
  db: D1Database,
  account: { id: string; name: string; credits: number; rateLimitPerMinute: number | null; now: string },
  apiKey: { id: string; keyHash: string; prefix: string; monthlyBudgetCap: number | null },
): Promise<void> {
  await db.batch([
    db
      .prepare("INSERT INTO accounts (id, name, credits, rate_limit_per_minute, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(account.id, account.name, account.credits, account.rateLimitPerMinute, account.now),
    db
      .prepare(
        "INSERT INTO credit_ledger (account_id, job_id, reason, amount, created_at) VALUES (?1, NULL, 'grant', ?2, ?3)",
      )
      .bind(account.id, account.credits, account.now),
    db
      .prepare("INSERT INTO api_keys (id, account_id, key_hash, prefix, monthly_budget_cap, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(apiKey.id, account.id, apiKey.keyHash, apiKey.prefix, apiKey.monthlyBudgetCap, account.now),
  ]);
}

export async function getAccountById(db: D1Database, id: string): Promise<Account | null> {
  const row = await db.prepare("SELECT id, name, credits, rate_limit_per_minute, created_at FROM accounts WHERE id = ?1").bind(id).first<AccountRow>();
  return row ? rowToAccount(row) : null;
}

/** Sets the account's own rate limit (null: back to the deployment's). Returns the account, or null if unknown. */
export async function setAccountRateLimit(db: D1Database, id: string, rateLimitPerMinute: number | null): Promise<Account | null> {
  const row = await db
    .prepare("UPDATE accounts SET rate_limit_per_minute = ?2 WHERE id = ?1 RETURNING id, name, credits, rate_limit_per_minute, created_at")
    .bind(id, rateLimitPerMinute)
    .first<AccountRow>();
  return row ? rowToAccount(row) : null;
}
