CREATE TABLE `messages` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`received_at` integer NOT NULL,
	`envelope_from` text NOT NULL,
	`envelope_to` text NOT NULL,
	`from` text,
	`to` text NOT NULL,
	`cc` text NOT NULL,
	`subject` text NOT NULL,
	`date` integer,
	`message_id` text,
	`text` text,
	`html` text,
	`headers` text NOT NULL,
	`attachments` text NOT NULL,
	`size` integer NOT NULL,
	`raw` blob NOT NULL,
	`recipients` text NOT NULL,
	`sender` text,
	`trace_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_id_unique` ON `messages` (`id`);--> statement-breakpoint
CREATE INDEX `messages_received_at` ON `messages` (`received_at`);