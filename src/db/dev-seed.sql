-- The local dev account, seeded by scripts/dev.sh (never deployed): topped up to 1,000 credits on every
-- start, with the API key from .dev.vars. :key_hash and :prefix are filled in by the script.
INSERT OR IGNORE INTO accounts (id, name, credits, created_at)
VALUES ('00000000-0000-4000-8000-00000000de01', 'Local dev', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

INSERT INTO credit_ledger (account_id, job_id, reason, amount, created_at)
SELECT id, NULL, 'grant', 1000 - credits, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM accounts WHERE id = '00000000-0000-4000-8000-00000000de01' AND credits < 1000;

UPDATE accounts SET credits = 1000 WHERE id = '00000000-0000-4000-8000-00000000de01' AND credits < 1000;

INSERT INTO api_keys (id, account_id, key_hash, prefix, created_at)
VALUES ('00000000-0000-4000-8000-00000000de02', '00000000-0000-4000-8000-00000000de01', ':key_hash', ':prefix',
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
ON CONFLICT (id) DO UPDATE SET key_hash = excluded.key_hash, prefix = excluded.prefix, revoked_at = NULL;
