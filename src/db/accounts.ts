/** Accounts. A new account's opening balance is written as a ledger grant in the same batch. */
export interface Account {
  id: string;
  name: string;
  credits: number;
  createdAt: string;
}

interface AccountRow {
  id: string;
  name: string;
  credits: number;
  created_at: string;
}

function rowToAccount(row: AccountRow): Account {
  return { id: row.id, name: row.name, credits: row.credits, createdAt: row.created_at };
}

export async function insertAccountWithGrant(
  db: D1Database,
  account: { id: string; name: string; credits: number; now: string },
  apiKey: { id: string; keyHash: string; prefix: string },
): Promise<void> {
  await db.batch([
    db
      .prepare("INSERT INTO accounts (id, name, credits, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(account.id, account.name, account.credits, account.now),
    db
      .prepare(
        "INSERT INTO credit_ledger (account_id, job_id, reason, amount, created_at) VALUES (?1, NULL, 'grant', ?2, ?3)",
      )
      .bind(account.id, account.credits, account.now),
    db
      .prepare("INSERT INTO api_keys (id, account_id, key_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(apiKey.id, account.id, apiKey.keyHash, apiKey.prefix, account.now),
  ]);
}

export async function getAccountById(db: D1Database, id: string): Promise<Account | null> {
  const row = await db.prepare("SELECT * FROM accounts WHERE id = ?1").bind(id).first<AccountRow>();
  return row ? rowToAccount(row) : null;
}
