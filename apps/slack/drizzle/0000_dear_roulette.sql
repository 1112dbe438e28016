CREATE TABLE `apps` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`bot_user_id` text NOT NULL,
	`bot_id` text NOT NULL,
	`signing_secret` text NOT NULL,
	`verification_token` text NOT NULL,
	`events_url` text,
	`event_types` text NOT NULL,
	`interactivity_url` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`topic` text DEFAULT '' NOT NULL,
	`purpose` text DEFAULT '' NOT NULL,
	`is_private` integer NOT NULL,
	`is_archived` integer DEFAULT false NOT NULL,
	`creator` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_name` ON `channels` (`name`);--> statement-breakpoint
CREATE TABLE `commands` (
	`command` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`url` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`usage_hint` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `incoming_webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `members` (
	`channel_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`channel_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`channel_id` text NOT NULL,
	`ts` text NOT NULL,
	`user_id` text NOT NULL,
	`bot_id` text,
	`app_id` text,
	`username` text,
	`text` text NOT NULL,
	`blocks` text,
	`attachments` text,
	`thread_ts` text,
	`reply_count` integer DEFAULT 0 NOT NULL,
	`latest_reply` text,
	`reactions` text NOT NULL,
	`edited_ts` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `ts`)
);
--> statement-breakpoint
CREATE INDEX `messages_thread` ON `messages` (`channel_id`,`thread_ts`);--> statement-breakpoint
CREATE TABLE `response_urls` (
	`id` text PRIMARY KEY NOT NULL,
	`secret_hash` text NOT NULL,
	`app_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`user_id` text NOT NULL,
	`message_ts` text,
	`uses` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`prefix` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`app_id` text,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`real_name` text NOT NULL,
	`is_bot` integer NOT NULL,
	`bot_id` text,
	`app_id` text,
	`created_at` integer NOT NULL
);
