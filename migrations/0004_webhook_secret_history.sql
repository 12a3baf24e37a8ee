-- Secrets replaced by earlier rotations, still inside their 24-hour grace period: a JSON array of
-- {secret, expires_at}, newest first, at most two (previous_secret holds the latest). Rotating twice in a day no
-- longer ends the first secret's grace period at once.
ALTER TABLE webhook_secrets ADD COLUMN older_secrets TEXT;
