-- Until now the inbox was created at run time, keyed by webhook-id alone; those ids name no merchant,
-- so they cannot be kept under the new (merchant_id, webhook_id) key.
DROP TABLE IF EXISTS `inbound_webhooks`;--> statement-breakpoint
CREATE TABLE `inbound_webhooks` (
	`merchant_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`merchant_id`, `webhook_id`)
);
