-- Durable jobs now live in @hooklab/db's `jobs_queue`, Idempotency-Key records in the kit's `idempotency_requests`.
-- Pending jobs wait in `jobs_carried_over` until the next start schedules them on the new runner
-- (adoptCarriedOverJobs in src/context.ts): a bank debit still settles, a session still expires.
CREATE TABLE `jobs_carried_over` AS SELECT `account_id`, `kind`, `object_id`, `run_at` FROM `jobs` WHERE `status` = 'pending';--> statement-breakpoint
DROP TABLE `idempotency_keys`;--> statement-breakpoint
DROP TABLE `jobs`;
