import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
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

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    accountId: text('account_id').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** `running` while the first request executes, then `done` with the stored response. */
    state: text('state', { enum: ['running', 'done'] }).notNull(),
    status: integer('status'),
    body: text('body'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index('idempotency_created').on(t.createdAt)],
);

/** Durable timers: a bank debit settling, a checkout session expiring. They survive a restart. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    kind: text('kind').notNull(),
    objectId: text('object_id').notNull(),
    runAt: integer('run_at').notNull(),
    status: text('status', { enum: ['pending', 'done', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [index('jobs_due').on(t.status, t.runAt)],
);

export type ObjectRow = typeof objects.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
