-- Platform parity: per-account rate limits, per-key monthly budget caps, results by signed URL and a webhook
-- auth header per job.

-- Requests per minute for this account; NULL follows the deployment's RATE_LIMIT_PER_MINUTE, 0 is unlimited.
ALTER TABLE accounts ADD COLUMN rate_limit_per_minute INTEGER CHECK (rate_limit_per_minute >= 0);

-- Credits this key may spend per calendar month (UTC); NULL is no cap.
ALTER TABLE api_keys ADD COLUMN monthly_budget_cap INTEGER CHECK (monthly_budget_cap >= 0);

-- What each key spent per month ('YYYY-MM', UTC): raised in the charge's batch, lowered in the refund's.
CREATE TABLE api_key_spend (
  api_key_id  TEXT NOT NULL REFERENCES api_keys (id),
  month       TEXT NOT NULL,
  spent       INTEGER NOT NULL CHECK (spent >= 0),
  PRIMARY KEY (api_key_id, month)
);

-- The key that paid for the job (NULL for jobs made before this migration), so a refund finds its budget.
ALTER TABLE jobs ADD COLUMN api_key_id TEXT REFERENCES api_keys (id);
-- 'url': the webhook carries a signed download link for a binary result instead of its base64.
ALTER TABLE jobs ADD COLUMN result_delivery TEXT NOT NULL DEFAULT 'inline' CHECK (result_delivery IN ('inline', 'url'));
-- The origin the request came in on, which signed result links point at unless PUBLIC_BASE_URL is set.
ALTER TABLE jobs ADD COLUMN request_origin TEXT;
-- Sent with every delivery attempt. The value is cleared by the sweeper with the result, after the retention.
ALTER TABLE jobs ADD COLUMN webhook_auth_header_name TEXT;
ALTER TABLE jobs ADD COLUMN webhook_auth_header_value TEXT;
