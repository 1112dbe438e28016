DROP TABLE `idempotency_keys`;--> statement-breakpoint
DROP TABLE `jobs`;