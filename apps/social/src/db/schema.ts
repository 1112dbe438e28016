import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** People who post. Their dev tokens are stored as sha256 hex only. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
});

/** Developer apps (X's "projects/apps"): a bearer token for app-only calls, a consumer secret that signs. */
export const clientApps = sqliteTable('client_apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  bearerHash: text('bearer_hash').notNull().unique(),
  consumerSecret: text('consumer_secret').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Posts; the integer id grows with time, so `since_id` is a plain comparison (X's ids are snowflakes). */
export const posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('posts_author').on(t.authorId)],
);

/** Each post's hashtags, lower-cased (X matches `#tag` case-insensitively). */
export const postHashtags = sqliteTable(
  'post_hashtags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tag] }), index('post_hashtags_tag').on(t.tag, t.postId)],
);

export const webhooks = sqliteTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => clientApps.id),
    url: text('url').notNull(),
    valid: integer('valid', { mode: 'boolean' }).notNull(),
    /** Why the last CRC failed (null when it passed). */
    lastCrcError: text('last_crc_error'),
    lastCrcAt: integer('last_crc_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('webhooks_app_url').on(t.appId, t.url)],
);

export const rules = sqliteTable(
  'rules',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => clientApps.id),
    value: text('value').notNull(),
    tag: text('tag'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('rules_app_value').on(t.appId, t.value)],
);

export type User = typeof users.$inferSelect;
export type ClientApp = typeof clientApps.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type Rule = typeof rules.$inferSelect;
