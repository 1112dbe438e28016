CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`order_id` text,
	`channel` text NOT NULL,
	`text` text NOT NULL,
	`blocks` text NOT NULL,
	`status` text NOT NULL,
	`slack_channel` text,
	`slack_ts` text,
	`created_at` integer NOT NULL,
	`posted_at` integer
);
--> statement-breakpoint
CREATE INDEX `notifications_order` ON `notifications` (`order_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_inbox` (
	`scope` text DEFAULT '' NOT NULL,
	`id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `id`)
);
