CREATE TABLE `intents` (
	`id` text PRIMARY KEY NOT NULL,
	`callback` text NOT NULL,
	`topic` text NOT NULL,
	`mode` text NOT NULL,
	`secret` text,
	`algorithm` text NOT NULL,
	`lease_seconds` integer NOT NULL,
	`reason` text,
	`revision` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `intents_callback_topic` ON `intents` (`callback`,`topic`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`callback` text NOT NULL,
	`topic` text NOT NULL,
	`secret` text,
	`algorithm` text NOT NULL,
	`lease_seconds` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_delivery_at` integer,
	`last_delivery_status` integer,
	`last_delivery_ok` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_callback_topic` ON `subscriptions` (`callback`,`topic`);--> statement-breakpoint
CREATE INDEX `subscriptions_topic_expires` ON `subscriptions` (`topic`,`expires_at`);--> statement-breakpoint
CREATE TABLE `topics` (
	`url` text PRIMARY KEY NOT NULL,
	`content_type` text,
	`publish_count` integer DEFAULT 0 NOT NULL,
	`last_publish_at` integer,
	`last_fetch_at` integer,
	`last_error` text,
	`last_fan_out` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`callback` text NOT NULL,
	`topic` text NOT NULL,
	`mode` text NOT NULL,
	`outcome` text NOT NULL,
	`detail` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `verifications_at` ON `verifications` (`at`);