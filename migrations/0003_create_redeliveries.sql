-- One row per redelivery a customer asked for: redeliveries are free, so they are capped per job and per account
-- per hour (src/db/redeliveries.ts).

CREATE TABLE redeliveries (
  account_id  TEXT NOT NULL REFERENCES accounts (id),
  job_id      TEXT NOT NULL REFERENCES jobs (id),
  created_at  TEXT NOT NULL
);
CREATE INDEX redeliveries_job ON redeliveries (job_id);
CREATE INDEX redeliveries_account_created ON redeliveries (account_id, created_at);
