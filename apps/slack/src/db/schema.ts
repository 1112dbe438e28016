import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  realName: text('real_name').notNull(),
  isBot: integer('is_bot', { mode: 'boolean' }).notNull(),
  /** Bot users: their bot id (B…) and app (A…). */
  botId: text('bot_id'),
  appId: text('app_id'),
  createdAt: integer('created_at').notNull(),
});

export const tokens = sqliteTable('tokens', {
  /** sha256 hex of the token: the token itself is never stored. */
  tokenHash: text('token_hash').primaryKey(),
  prefix: text('prefix').notNull(),
  kind: text('kind', { enum: ['bot', 'user'] }).notNull(),
  userId: text('user_id').notNull(),
  appId: text('app_id'),
  scopes: text('scopes', { mode: 'json' }).notNull().$type<string[]>(),
  createdAt: integer('created_at').notNull(),
});

export const channels = sqliteTable(
  'channels',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    topic: text('topic').notNull().default(''),
    purpose: text('purpose').notNull().default(''),
    isPrivate: integer('is_private', { mode: 'boolean' }).notNull(),
    isArchived: integer('is_archived', { mode: 'boolean' }).notNull().default(false),
    creator: text('creator').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('channels_name').on(t.name)],
);

export const members = sqliteTable(
  'members',
  {
    channelId: text('channel_id').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.userId] })],
);

export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

export const messages = sqliteTable(
  'messages',
  {
    channelId: text('channel_id').notNull(),
    ts: text('ts').notNull(),
    userId: text('user_id').notNull(),
    botId: text('bot_id'),
    appId: text('app_id'),
    /** Bot messages posted through an incoming webhook, or a username override. */
    username: text('username'),
    text: text('text').notNull(),
    blocks: text('blocks', { mode: 'json' }).$type<unknown[]>(),
    attachments: text('attachments', { mode: 'json' }).$type<unknown[]>(),
    threadTs: text('thread_ts'),
    replyCount: integer('reply_count').notNull().default(0),
    latestReply: text('latest_reply'),
    reactions: text('reactions', { mode: 'json' }).notNull().$type<Reaction[]>(),
    editedTs: text('edited_ts'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.ts] }), index('messages_thread').on(t.channelId, t.threadTs)],
);

export const apps = sqliteTable('apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  botUserId: text('bot_user_id').notNull(),
  botId: text('bot_id').notNull(),
  signingSecret: text('signing_secret').notNull(),
  /** Slack's deprecated verification token, still sent in payloads. */
  verificationToken: text('verification_token').notNull(),
  /** Events API request URL: set only once url_verification succeeded. */
  eventsUrl: text('events_url'),
  eventTypes: text('event_types', { mode: 'json' }).notNull().$type<string[]>(),
  interactivityUrl: text('interactivity_url'),
  createdAt: integer('created_at').notNull(),
});

export const commands = sqliteTable('commands', {
  command: text('command').primaryKey(),
  appId: text('app_id').notNull(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  usageHint: text('usage_hint').notNull().default(''),
});

export const incomingWebhooks = sqliteTable('incoming_webhooks', {
  id: text('id').primaryKey(),
  appId: text('app_id').notNull(),
  channelId: text('channel_id').notNull(),
  /** sha256 hex of the URL's secret part. */
  secretHash: text('secret_hash').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const responseUrls = sqliteTable('response_urls', {
  id: text('id').primaryKey(),
  secretHash: text('secret_hash').notNull(),
  appId: text('app_id').notNull(),
  channelId: text('channel_id').notNull(),
  userId: text('user_id').notNull(),
  /** The message a button sat on (block_actions); null for a slash command. */
  messageTs: text('message_ts'),
  uses: integer('uses').notNull().default(0),
  expiresAt: integer('expires_at').notNull(),
  createdAt: integer('created_at').notNull(),
});

export type User = typeof users.$inferSelect;
export type Token = typeof tokens.$inferSelect;
export type Channel = typeof channels.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type App = typeof apps.$inferSelect;
export type Command = typeof commands.$inferSelect;
export type IncomingWebhook = typeof incomingWebhooks.$inferSelect;
export type ResponseUrl = typeof responseUrls.$inferSelect;
