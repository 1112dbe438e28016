CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`enabled_events` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL
);
