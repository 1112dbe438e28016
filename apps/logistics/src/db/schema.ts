import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const merchants = sqliteTable('merchants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Secret the merchant signs `order.created` with (Standard Webhooks). */
  inboundSecret: text('inbound_secret').notNull(),
  /** Secret logistics signs callbacks with. */
  callbackSecret: text('callback_secret').notNull(),
  /** The merchant's default callback endpoint; null means none. */
  callbackUrl: text('callback_url'),
  createdAt: integer('created_at').notNull(),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    merchantId: text('merchant_id')
      .notNull()
      .references(() => merchants.id),
    /** sha256 hex of the bearer token: the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    /** `write` may create and cancel; `read` may only read. */
    scope: text('scope', { enum: ['write', 'read'] }).notNull(),
    prefix: text('prefix').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('api_keys_token_hash').on(t.tokenHash)],
);

export const shipments = sqliteTable(
  'shipments',
  {
    id: text('id').primaryKey(),
    merchantId: text('merchant_id')
      .notNull()
      .references(() => merchants.id),
    orderId: text('order_id').notNull(),
    source: text('source', { enum: ['api', 'webhook'] }).notNull(),
    items: text('items', { mode: 'json' }).notNull().$type<ShipmentItem[]>(),
    shipTo: text('ship_to', { mode: 'json' }).notNull().$type<Address>(),
    status: text('status').notNull().$type<ShipmentStatus>(),
    failureReason: text('failure_reason'),
    callbackUrl: text('callback_url'),
    notifyUrl: text('notify_url'),
    notifySecret: text('notify_secret'),
    /** null (no notify_url), pending (handshake not run yet), consented, refused. */
    notifyStatus: text('notify_status').$type<NotifyStatus>(),
    carrier: text('carrier'),
    service: text('service'),
    trackingNumber: text('tracking_number'),
    labelUrl: text('label_url'),
    events: text('events', { mode: 'json' }).notNull().$type<ShipmentEvent[]>(),
    /** The creating request's trace, so callbacks join the same trace. */
    traceparent: text('traceparent'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    completedAt: integer('completed_at'),
  },
  (t) => [
    uniqueIndex('shipments_merchant_order').on(t.merchantId, t.orderId),
    index('shipments_merchant_created').on(t.merchantId, t.createdAt),
  ],
);

export const quotes = sqliteTable('quotes', {
  id: text('id').primaryKey(),
  merchantId: text('merchant_id')
    .notNull()
    .references(() => merchants.id),
  originPostalCode: text('origin_postal_code').notNull(),
  destinationPostalCode: text('destination_postal_code').notNull(),
  destinationCountry: text('destination_country').notNull(),
  weightGrams: integer('weight_grams').notNull(),
  callbackUrl: text('callback_url'),
  status: text('status', { enum: ['pending', 'completed'] }).notNull(),
  result: text('result', { mode: 'json' }).$type<QuoteResult>(),
  traceparent: text('traceparent'),
  createdAt: integer('created_at').notNull(),
  completedAt: integer('completed_at'),
});

export const manifests = sqliteTable('manifests', {
  id: text('id').primaryKey(),
  merchantId: text('merchant_id')
    .notNull()
    .references(() => merchants.id),
  date: text('date').notNull(),
  status: text('status', { enum: ['pending', 'ready', 'failed'] }).notNull(),
  callbackUrl: text('callback_url'),
  minBytes: integer('min_bytes').notNull(),
  expiresInSec: integer('expires_in_sec').notNull(),
  blobKey: text('blob_key'),
  size: integer('size'),
  sha256: text('sha256'),
  contentType: text('content_type'),
  rows: integer('rows'),
  url: text('url'),
  expiresAt: integer('expires_at'),
  traceparent: text('traceparent'),
  createdAt: integer('created_at').notNull(),
  completedAt: integer('completed_at'),
});

/**
 * Inbound webhook ids already handled (dedupe). A webhook-id is unique per sender only, so the key is
 * (merchant, webhook-id); the row is written in the same transaction as the shipment it created.
 */
export const inboundWebhooks = sqliteTable(
  'inbound_webhooks',
  {
    merchantId: text('merchant_id').notNull(),
    webhookId: text('webhook_id').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.webhookId] })],
);

/** CloudEvents webhook validation results, one per notify_url origin. */
export const notifyConsents = sqliteTable('notify_consents', {
  origin: text('origin').primaryKey(),
  allowed: integer('allowed', { mode: 'boolean' }).notNull(),
  allowedRate: text('allowed_rate'),
  checkedAt: integer('checked_at').notNull(),
});

export type ShipmentStatus =
  | 'picking'
  | 'packed'
  | 'label_purchased'
  | 'shipped'
  | 'in_transit'
  | 'delivered'
  | 'failed'
  | 'canceled';
export type NotifyStatus = 'pending' | 'consented' | 'refused';

export interface ShipmentItem {
  sku: string;
  name?: string | undefined;
  quantity: number;
}
export interface Address {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  postal_code: string;
  country: string;
}
export interface ShipmentEvent {
  status: ShipmentStatus;
  at: string;
  location?: string;
  detail?: string;
}
export interface QuoteResult {
  quote_id: string;
  amount_cents: number;
  currency: string;
  carrier: string;
  service: string;
  expires_at: string;
}

export type Merchant = typeof merchants.$inferSelect;
export type Shipment = typeof shipments.$inferSelect;
export type NewShipment = typeof shipments.$inferInsert;
export type Quote = typeof quotes.$inferSelect;
export type Manifest = typeof manifests.$inferSelect;
