-- Accounts, API keys, the credit ledger, jobs and webhook delivery attempts.
-- Timestamps are ISO 8601 UTC strings with milliseconds; ids are UUIDs made by the Worker.

CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  -- The balance is a cache of SUM(credit_ledger.amount); money only moves in a batch that writes both.
  credits     INTEGER NOT NULL CHECK (credits >= 0),
  created_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts (id),
  -- SHA-256 of the full key, hex. The key itself is shown once and never stored.
  key_hash    TEXT NOT NULL UNIQUE,
  -- The first characters of the key, so a person can tell keys apart.
  prefix      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL REFERENCES accounts (id),
  api              TEXT NOT NULL,
  mode             TEXT NOT NULL CHECK (mode IN ('sync', 'async')),
  status           TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'succeeded', 'failed')),
  cost             INTEGER NOT NULL CHECK (cost >= 0),
  webhook_url      TEXT,
  -- NULL for sync jobs.
  delivery_status  TEXT CHECK (delivery_status IN ('pending', 'delivered', 'exhausted')),
  -- Where the result lives in R2 and its MIME type; NULL until the job succeeded (and after expiry).
  result_key       TEXT,
  result_mime_type TEXT,
  -- The user-facing failure message; never internals.
  error            TEXT,
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  finished_at      TEXT,
  delivered_at     TEXT
);
CREATE INDEX jobs_account_created ON jobs (account_id, created_at);
CREATE INDEX jobs_status_created ON jobs (status, created_at);

CREATE TABLE credit_ledger (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  TEXT NOT NULL REFERENCES accounts (id),
  -- NULL for grants; the job a debit or refund belongs to otherwise.
  job_id      TEXT REFERENCES jobs (id),
  reason      TEXT NOT NULL CHECK (reason IN ('grant', 'debit', 'refund')),
  -- Signed: grants and refunds are positive, debits negative.
  amount      INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  CHECK ((reason = 'grant') = (job_id IS NULL)),
  CHECK ((reason = 'debit' AND amount <= 0) OR (reason <> 'debit' AND amount >= 0))
);
CREATE INDEX credit_ledger_account ON credit_ledger (account_id);
-- A job is charged at most once and refunded at most once, whoever asks.
CREATE UNIQUE INDEX credit_ledger_one_debit_per_job ON credit_ledger (job_id) WHERE reason = 'debit';
CREATE UNIQUE INDEX credit_ledger_one_refund_per_job ON credit_ledger (job_id) WHERE reason = 'refund';

CREATE TABLE delivery_attempts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id       TEXT NOT NULL REFERENCES jobs (id),
  attempt      INTEGER NOT NULL CHECK (attempt >= 1),
  -- The receiver's HTTP status, or NULL when no response came back (then error says why).
  status_code  INTEGER,
  -- timeout | connection_error | redirect | http_status | url_rejected, or NULL on success.
  error        TEXT,
  duration_ms  INTEGER NOT NULL,
  -- The first 1 KB of the receiver's response body.
  response_body TEXT,
  created_at   TEXT NOT NULL
);
CREATE INDEX delivery_attempts_job ON delivery_attempts (job_id, attempt);
