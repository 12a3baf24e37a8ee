-- Failed webhook POSTs in the current delivery round (reset by a redelivery). The receiver's attempt budget
-- (1 + the retry schedule) is counted here, not by the queue, so a D1/R2 error of our own, which the queue also
-- retries, never uses up one of the customer's attempts.
ALTER TABLE jobs ADD COLUMN delivery_failures INTEGER NOT NULL DEFAULT 0;
