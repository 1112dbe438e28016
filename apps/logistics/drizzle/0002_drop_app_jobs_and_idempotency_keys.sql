-- The job queue is now the shared runner's (`jobs_queue`, @hooklab/db), the Idempotency-Key store the shared one
-- (`idempotency_requests`, @hooklab/service). Pending jobs are kept in `jobs_carried_over` until the next start
-- schedules them on the new runner (adoptCarriedOverJobs), so a shipment in the middle of its pipeline goes on.
CREATE TABLE `jobs_carried_over` AS SELECT `kind`, `subject_id`, `next_run_at` FROM `jobs` WHERE `status` = 'pending';--> statement-breakpoint
DROP TABLE `idempotency_keys`;--> statement-breakpoint
DROP TABLE `jobs`;