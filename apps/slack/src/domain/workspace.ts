// Lookups on the workspace: who a token is, channels by id or name, membership.
import { and, eq } from 'drizzle-orm';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import { fail } from './errors.ts';
import { sha256 } from './ids.ts';

/** Who is calling: the token's user (a bot user for xoxb-), its app, and what it may do. */
export interface Caller {
  kind: 'bot' | 'user';
  user: schema.User;
  app: schema.App | null;
  scopes: string[];
}

export function authenticate(ctx: SlackContext, token: string): Caller | null {
  const row = ctx.db
    .select()
    .from(schema.tokens)
    .where(eq(schema.tokens.tokenHash, sha256(token)))
    .get();
  if (!row) return null;
  const user = ctx.db.select().from(schema.users).where(eq(schema.users.id, row.userId)).get();
  if (!user) return null;
  const app = row.appId ? (getApp(ctx, row.appId) ?? null) : null;
  return { kind: row.kind, user, app, scopes: row.scopes };
}

export const getApp = (ctx: SlackContext, id: string) =>
  ctx.db.select().from(schema.apps).where(eq(schema.apps.id, id)).get();

export const listApps = (ctx: SlackContext) => ctx.db.select().from(schema.apps).all();

export const getUser = (ctx: SlackContext, id: string) =>
  ctx.db.select().from(schema.users).where(eq(schema.users.id, id)).get();

export const humans = (ctx: SlackContext) =>
  ctx.db.select().from(schema.users).where(eq(schema.users.isBot, false)).orderBy(schema.users.name).all();

/** A channel by id (`C…`) or name (`orders`, `#orders`), or null. */
export function findChannel(ctx: SlackContext, ref: string): schema.Channel | null {
  const byId = ctx.db.select().from(schema.channels).where(eq(schema.channels.id, ref)).get();
  if (byId) return byId;
  const name = ref.replace(/^#/, '');
  return ctx.db.select().from(schema.channels).where(eq(schema.channels.name, name)).get() ?? null;
}

/** The channel, or `channel_not_found` (also for a private channel the caller is not in). */
export function channelFor(ctx: SlackContext, ref: string | undefined, callerId?: string): schema.Channel {
  const c = ref ? findChannel(ctx, ref) : null;
  if (!c || (c.isPrivate && callerId && !isMember(ctx, c.id, callerId))) return fail('channel_not_found');
  return c;
}

export function isMember(ctx: SlackContext, channelId: string, userId: string): boolean {
  return !!ctx.db
    .select()
    .from(schema.members)
    .where(and(eq(schema.members.channelId, channelId), eq(schema.members.userId, userId)))
    .get();
}

export function memberIds(ctx: SlackContext, channelId: string): string[] {
  return ctx.db
    .select({ id: schema.members.userId })
    .from(schema.members)
    .where(eq(schema.members.channelId, channelId))
    .all()
    .map((r) => r.id);
}

export function join(ctx: SlackContext, channelId: string, userId: string): boolean {
  const res = ctx.db.insert(schema.members).values({ channelId, userId }).onConflictDoNothing().run();
  return res.changes > 0;
}
