CREATE TABLE `cart_items` (
	`cart_id` text NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`cart_id`, `product_id`)
);
--> statement-breakpoint
CREATE TABLE `carts` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `confirmations` (
	`order_id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`payment_intent_id` text,
	`requests` integer DEFAULT 0 NOT NULL,
	`requests_nothing_new` integer DEFAULT 0 NOT NULL,
	`deliveries` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`change_after` real,
	`change_before` real,
	`change_source` text,
	`known_at` real,
	`final_status` text
);
--> statement-breakpoint
CREATE TABLE `inbox` (
	`source` text NOT NULL,
	`message_id` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`source`, `message_id`)
);
--> statement-breakpoint
CREATE TABLE `manifests` (
	`id` text PRIMARY KEY NOT NULL,
	`date` text,
	`url` text NOT NULL,
	`content_type` text,
	`expected_size` integer,
	`expected_sha256` text,
	`expires_at` text,
	`status` text NOT NULL,
	`actual_size` integer,
	`actual_sha256` text,
	`http_status` integer,
	`detail` text,
	`received_at` integer NOT NULL,
	`checked_at` integer
);
--> statement-breakpoint
CREATE TABLE `order_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`source` text NOT NULL,
	`detail` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_events_order` ON `order_events` (`order_id`,`id`);--> statement-breakpoint
CREATE TABLE `order_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku` text,
	`name` text NOT NULL,
	`unit_amount_cents` integer NOT NULL,
	`quantity` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`confirmation` text NOT NULL,
	`customer_name` text NOT NULL,
	`customer_email` text NOT NULL,
	`ship_to` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`checkout_session_id` text,
	`payment_intent_id` text,
	`failure_reason` text,
	`shipment_id` text,
	`carrier` text,
	`tracking_number` text,
	`label_url` text,
	`tracking_status` text,
	`tracking_location` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`paid_at` integer,
	`fulfilled_at` integer,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `orders_pi` ON `orders` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `orders_session` ON `orders` (`checkout_session_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`sku` text,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`swatch` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_sku_unique` ON `products` (`sku`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_slug_unique` ON `products` (`slug`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
