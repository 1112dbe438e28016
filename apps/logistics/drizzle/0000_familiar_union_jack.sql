CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`scope` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_token_hash` ON `api_keys` (`token_hash`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`merchant_id` text NOT NULL,
	`key` text NOT NULL,
	`route` text NOT NULL,
	`request_hash` text NOT NULL,
	`resource_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_pk` ON `idempotency_keys` (`merchant_id`,`key`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`status` text NOT NULL,
	`next_run_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_due` ON `jobs` (`status`,`next_run_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_subject` ON `jobs` (`kind`,`subject_id`);--> statement-breakpoint
CREATE TABLE `manifests` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`date` text NOT NULL,
	`status` text NOT NULL,
	`callback_url` text,
	`min_bytes` integer NOT NULL,
	`expires_in_sec` integer NOT NULL,
	`blob_key` text,
	`size` integer,
	`sha256` text,
	`content_type` text,
	`rows` integer,
	`url` text,
	`expires_at` integer,
	`traceparent` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `merchants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`inbound_secret` text NOT NULL,
	`callback_secret` text NOT NULL,
	`callback_url` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notify_consents` (
	`origin` text PRIMARY KEY NOT NULL,
	`allowed` integer NOT NULL,
	`allowed_rate` text,
	`checked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `quotes` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`origin_postal_code` text NOT NULL,
	`destination_postal_code` text NOT NULL,
	`destination_country` text NOT NULL,
	`weight_grams` integer NOT NULL,
	`callback_url` text,
	`status` text NOT NULL,
	`result` text,
	`traceparent` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`source` text NOT NULL,
	`items` text NOT NULL,
	`ship_to` text NOT NULL,
	`status` text NOT NULL,
	`failure_reason` text,
	`callback_url` text,
	`notify_url` text,
	`notify_secret` text,
	`notify_status` text,
	`carrier` text,
	`service` text,
	`tracking_number` text,
	`label_url` text,
	`events` text NOT NULL,
	`traceparent` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_merchant_order` ON `shipments` (`merchant_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `shipments_merchant_created` ON `shipments` (`merchant_id`,`created_at`);