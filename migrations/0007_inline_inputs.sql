-- A queued job's input (the validated request as JSON) when it is small (up to 64 KB): written in the charge's
-- batch, so the accept path needs no R2 write, and read back by the processing claim (UPDATE … RETURNING). Larger
-- inputs stay in R2 (jobs/{id}/input.json). Cleared once the job has run.
ALTER TABLE jobs ADD COLUMN input TEXT;
