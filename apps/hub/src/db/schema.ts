import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export type HubAlgorithmName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Verified subscriptions: one per (callback, topic); the outbox's endpoint id is the row's id. */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    callback: text('callback').notNull(),
    topic: text('topic').notNull(),
    /** `hub.secret`; null = deliveries are not signed. Never shown on a page or in the API. */
    secret: text('secret'),
    algorithm: text('algorithm').notNull().$type<HubAlgorithmName>(),
    leaseSeconds: integer('lease_seconds').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastDeliveryAt: integer('last_delivery_at'),
    /** HTTP status of the last attempt, or null when it never reached the subscriber. */
    lastDeliveryStatus: integer('last_delivery_status'),
    lastDeliveryOk: integer('last_delivery_ok', { mode: 'boolean' }),
  },
  (t) => [
    uniqueIndex('subscriptions_callback_topic').on(t.callback, t.topic),
    index('subscriptions_topic_expires').on(t.topic, t.expiresAt),
  ],
);

/**
 * Requests waiting for verification of intent (or a denial notice): one per (callback, topic), the latest
 * request wins. The subscription itself changes only once the subscriber confirms.
 */
export const intents = sqliteTable(
  'intents',
  {
    id: text('id').primaryKey(),
    callback: text('callback').notNull(),
    topic: text('topic').notNull(),
    mode: text('mode', { enum: ['subscribe', 'unsubscribe', 'denied'] }).notNull(),
    secret: text('secret'),
    algorithm: text('algorithm').notNull().$type<HubAlgorithmName>(),
    leaseSeconds: integer('lease_seconds').notNull(),
    /** Why a denial is sent (`hub.reason`). */
    reason: text('reason'),
    /** Bumped by every new request, so a verification of an older one commits nothing. */
    revision: integer('revision').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('intents_callback_topic').on(t.callback, t.topic)],
);

/** Topics the hub was told about (publish pings), with the last fetch. */
export const topics = sqliteTable('topics', {
  url: text('url').primaryKey(),
  contentType: text('content_type'),
  publishCount: integer('publish_count').notNull().default(0),
  lastPublishAt: integer('last_publish_at'),
  lastFetchAt: integer('last_fetch_at'),
  /** Why the last fetch failed; null after a good one. */
  lastError: text('last_error'),
  /** Subscribers the last distribution went to. */
  lastFanOut: integer('last_fan_out'),
  createdAt: integer('created_at').notNull(),
});

/** What happened to requests (verified, failed, denied), newest last; a short history for the page. */
export const verifications = sqliteTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    callback: text('callback').notNull(),
    topic: text('topic').notNull(),
    mode: text('mode').notNull(),
    outcome: text('outcome', { enum: ['verified', 'refused', 'unreachable', 'denied'] }).notNull(),
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [index('verifications_at').on(t.at)],
);

export type Subscription = typeof subscriptions.$inferSelect;
export type Intent = typeof intents.$inferSelect;
export type Topic = typeof topics.$inferSelect;
export type Verification = typeof verifications.$inferSelect;
