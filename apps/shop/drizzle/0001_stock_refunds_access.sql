ALTER TABLE `orders` ADD `session_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `payment_processing` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `stock_state` text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `stock_held_until` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `refund_status` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `refund_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `refund_error` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `amount_refunded_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `refunded_at` integer;--> statement-breakpoint
CREATE INDEX `orders_customer_session` ON `orders` (`session_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_stock_held` ON `orders` (`stock_state`,`stock_held_until`);--> statement-breakpoint
CREATE INDEX `orders_refund` ON `orders` (`refund_status`);--> statement-breakpoint
ALTER TABLE `products` ADD `stock` integer;