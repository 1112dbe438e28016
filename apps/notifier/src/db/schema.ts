import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Small facts kept across restarts: the endpoints registered with providers and their secrets. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Ids of the webhooks already taken in, per sender (the engine's sqlite inbox, owned by these migrations). */
export const webhookInbox = sqliteTable(
  'webhook_inbox',
  {
    scope: text('scope').notNull().default(''),
    id: text('id').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.id] })],
);

/**
 * One Slack message to post, written in the transaction that takes the webhook in; the `post` job sends it,
 * so a crash or a Slack outage between the ack and the post loses nothing.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    /** payments, shop or logistics. */
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    orderId: text('order_id'),
    /** The configured channel (`#orders`), as chat.postMessage takes it. */
    channel: text('channel').notNull(),
    text: text('text').notNull(),
    /** Block Kit blocks, JSON. */
    blocks: text('blocks').notNull(),
    status: text('status', { enum: ['pending', 'posted'] }).notNull(),
    /** Where Slack put it: the channel id and message ts from chat.postMessage. */
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
    /** The W3C traceparent of the webhook that brought it: the post to Slack joins that trace. */
    traceparent: text('traceparent'),
    /** When the webhook was committed, and when Slack accepted the message (epoch ms). */
    createdAt: integer('created_at').notNull(),
    postedAt: integer('posted_at'),
  },
  (t) => [index('notifications_order').on(t.orderId)],
);

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
