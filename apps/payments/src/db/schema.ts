import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Idempotency records (`idempotency_requests`) and durable jobs (`jobs_queue`) live in tables the kit's
 * idempotency store and @hooklab/db's job runner create themselves.
 *
 * Every API object (payment_intent, charge, refund, checkout.session, event, webhook_endpoint) as JSON:
 * Stripe objects are documents, and one table gives every list the same newest-first pagination.
 */
export const objects = sqliteTable(
  'objects',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    type: text('type').notNull(),
    /** A secondary key lists filter on: an event's type, a refund's payment_intent, a session's status. */
    tag: text('tag'),
    ref: text('ref'),
    created: integer('created').notNull(),
    data: text('data', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    /** Server-only state never sent on the wire (an endpoint's secret, failure counts). */
    internal: text('internal', { mode: 'json' }).notNull().$type<Record<string, unknown>>().default({}),
  },
  (t) => [
    uniqueIndex('objects_id').on(t.id),
    index('objects_list').on(t.accountId, t.type, t.seq),
    index('objects_tag').on(t.accountId, t.type, t.tag, t.seq),
    index('objects_ref').on(t.accountId, t.type, t.ref, t.seq),
  ],
);

export type ObjectRow = typeof objects.$inferSelect;
