-- Async mode: idempotency keys for accepted requests, and each account's webhook signing secret.

CREATE TABLE idempotency_keys (
  account_id    TEXT NOT NULL REFERENCES accounts (id),
  key           TEXT NOT NULL,
  -- SHA-256 of the request path and validated body: the same key with another body is a 409.
  request_hash  TEXT NOT NULL,
  job_id        TEXT NOT NULL REFERENCES jobs (id),
  created_at    TEXT NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE webhook_secrets (
  account_id           TEXT PRIMARY KEY REFERENCES accounts (id),
  -- whsec_ + base64 of 32 random bytes (Standard Webhooks). Stored as is: signing needs the key itself.
  secret               TEXT NOT NULL,
  -- After a rotation the old secret keeps signing alongside the new one until previous_expires_at.
  previous_secret      TEXT,
  previous_expires_at  TEXT,
  created_at           TEXT NOT NULL
);
