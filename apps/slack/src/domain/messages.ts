// Messages, threads and reactions: every change is committed with the events it causes (outbox), then
// published to the live feed for the web UI.
import { and, asc, desc, eq, gt, gte, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import {
  enqueueMessageChanged,
  enqueueMessageDeleted,
  enqueueMessageEvents,
  enqueueReactionAdded,
} from '../webhooks/out/events.ts';
import { fail } from './errors.ts';
import { messageObject } from './objects.ts';

/** Who a message is from: a human, or a bot user with its app (`bot_id`). */
export interface Author {
  user: schema.User;
  app: schema.App | null;
  /** Incoming webhooks and `username` overrides show another name (a `bot_message`). */
  username?: string | undefined;
}

export interface MessageInput {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  attachments?: unknown[] | undefined;
  threadTs?: string | undefined;
}

export const getMessage = (ctx: SlackContext, channelId: string, ts: string) =>
  ctx.db
    .select()
    .from(schema.messages)
    .where(and(eq(schema.messages.channelId, channelId), eq(schema.messages.ts, ts)))
    .get();

/** The text Slack falls back on: `text`, else an attachment's fallback or text, else the blocks' text. */
function fallbackText(input: MessageInput): string {
  if (input.text) return input.text;
  for (const a of input.attachments ?? []) {
    const att = a as { fallback?: unknown; text?: unknown; pretext?: unknown };
    for (const v of [att.fallback, att.text, att.pretext]) if (typeof v === 'string' && v) return v;
  }
  return input.blocks?.length ? "This content can't be displayed." : '';
}

export function postMessage(
  ctx: SlackContext,
  channel: schema.Channel,
  author: Author,
  input: MessageInput,
): schema.Message {
  if (channel.isArchived) fail('is_archived');
  if (!input.text && !input.blocks?.length && !input.attachments?.length) fail('no_text');
  const message = ctx.db.transaction((tx) => {
    let threadTs: string | null = null;
    if (input.threadTs) {
      const parent = getMessage(ctx, channel.id, input.threadTs);
      if (!parent) return fail('thread_not_found');
      threadTs = parent.threadTs ?? parent.ts;
    }
    const row: schema.Message = {
      channelId: channel.id,
      ts: ctx.nextTs(),
      userId: author.user.id,
      botId: author.app ? author.app.botId : null,
      appId: author.app ? author.app.id : null,
      username: author.username ?? null,
      text: fallbackText(input),
      blocks: input.blocks?.length ? input.blocks : null,
      attachments: input.attachments?.length ? input.attachments : null,
      threadTs,
      replyCount: 0,
      latestReply: null,
      reactions: [],
      editedTs: null,
      createdAt: ctx.clock.now(),
    };
    tx.insert(schema.messages).values(row).run();
    if (threadTs) {
      const parent = getMessage(ctx, channel.id, threadTs)!;
      tx.update(schema.messages)
        .set({ threadTs, replyCount: parent.replyCount + 1, latestReply: row.ts })
        .where(and(eq(schema.messages.channelId, channel.id), eq(schema.messages.ts, threadTs)))
        .run();
    }
    enqueueMessageEvents(ctx, channel, row);
    return row;
  });
  ctx.live.publish({ type: 'message', channel: channel.id, message: messageObject(message, ctx.config) });
  if (message.threadTs) {
    const parent = getMessage(ctx, channel.id, message.threadTs);
    if (parent)
      ctx.live.publish({
        type: 'message_changed',
        channel: channel.id,
        message: messageObject(parent, ctx.config),
      });
  }
  return message;
}

/** Only the author may edit or delete (a bot its own messages, a person theirs). */
function ownMessage(
  ctx: SlackContext,
  channelId: string,
  ts: string | undefined,
  userId: string,
  denied: string,
) {
  const m = ts ? getMessage(ctx, channelId, ts) : undefined;
  if (!m) return fail('message_not_found');
  if (m.userId !== userId) return fail(denied);
  return m;
}

export function updateMessage(
  ctx: SlackContext,
  channel: schema.Channel,
  ts: string | undefined,
  editorId: string,
  input: MessageInput,
): schema.Message {
  const m = ownMessage(ctx, channel.id, ts, editorId, 'cant_update_message');
  return replaceMessage(ctx, channel, m, input);
}

/** Replaces a message's content (chat.update, or a response_url's `replace_original`). */
export function replaceMessage(
  ctx: SlackContext,
  channel: schema.Channel,
  m: schema.Message,
  input: MessageInput,
): schema.Message {
  if (!input.text && !input.blocks?.length && !input.attachments?.length) fail('no_text');
  const next = {
    ...m,
    text: fallbackText(input),
    blocks: input.blocks?.length ? input.blocks : null,
    attachments: input.attachments?.length ? input.attachments : null,
    editedTs: ctx.nextTs(),
  };
  ctx.db.transaction((tx) => {
    tx.update(schema.messages)
      .set({ text: next.text, blocks: next.blocks, attachments: next.attachments, editedTs: next.editedTs })
      .where(and(eq(schema.messages.channelId, channel.id), eq(schema.messages.ts, m.ts)))
      .run();
    enqueueMessageChanged(ctx, channel, m, next);
  });
  ctx.live.publish({
    type: 'message_changed',
    channel: channel.id,
    message: messageObject(next, ctx.config),
  });
  return next;
}

export function deleteMessage(
  ctx: SlackContext,
  channel: schema.Channel,
  ts: string | undefined,
  userId: string,
) {
  const m = ownMessage(ctx, channel.id, ts, userId, 'cant_delete_message');
  removeMessage(ctx, channel, m);
  return m;
}

export function removeMessage(ctx: SlackContext, channel: schema.Channel, m: schema.Message): void {
  ctx.db.transaction((tx) => {
    tx.delete(schema.messages)
      .where(and(eq(schema.messages.channelId, channel.id), eq(schema.messages.ts, m.ts)))
      .run();
    enqueueMessageDeleted(ctx, channel, m);
  });
  ctx.live.publish({ type: 'message_deleted', channel: channel.id, ts: m.ts });
}

export function addReaction(
  ctx: SlackContext,
  channel: schema.Channel,
  ts: string | undefined,
  userId: string,
  name: string | undefined,
): void {
  const reaction = (name ?? '').replace(/^:|:$/g, '');
  if (!reaction) fail('invalid_name');
  if (!/^[a-z0-9_+'-]{1,100}$/.test(reaction)) fail('invalid_name');
  const m = (ts ? getMessage(ctx, channel.id, ts) : undefined) ?? fail('message_not_found');
  const reactions = m.reactions.map((r) => ({ ...r, users: [...r.users] }));
  const existing = reactions.find((r) => r.name === reaction);
  if (existing?.users.includes(userId)) fail('already_reacted');
  if (existing) {
    existing.users.push(userId);
    existing.count++;
  } else reactions.push({ name: reaction, users: [userId], count: 1 });
  ctx.db.transaction((tx) => {
    tx.update(schema.messages)
      .set({ reactions })
      .where(and(eq(schema.messages.channelId, channel.id), eq(schema.messages.ts, m.ts)))
      .run();
    enqueueReactionAdded(ctx, channel, m, userId, reaction);
  });
  ctx.live.publish({
    type: 'message_changed',
    channel: channel.id,
    message: messageObject({ ...m, reactions }, ctx.config),
  });
}

/** An ephemeral message: shown to one user in the web UI, never stored or sent as an event. */
export function postEphemeral(
  ctx: SlackContext,
  channel: schema.Channel,
  author: Author,
  userId: string,
  input: MessageInput,
): string {
  if (!input.text && !input.blocks?.length && !input.attachments?.length) fail('no_text');
  const ts = ctx.nextTs();
  const message: Record<string, unknown> = {
    type: 'message',
    subtype: 'ephemeral',
    user: author.user.id,
    text: fallbackText(input),
    ts,
    ...(author.app ? { bot_id: author.app.botId } : {}),
    ...(input.blocks?.length ? { blocks: input.blocks } : {}),
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
  };
  ctx.live.publish({ type: 'ephemeral', channel: channel.id, user: userId, message });
  return ts;
}

export interface Page<T> {
  items: T[];
  /** The key to continue after, or null on the last page. */
  next: string | null;
}

/** Top-level messages (thread parents included, replies not), newest first, from `before` down. */
export function history(
  ctx: SlackContext,
  channelId: string,
  opts: {
    limit: number;
    before?: string | undefined;
    oldest?: string | undefined;
    latest?: string | undefined;
    inclusive?: boolean;
  },
): Page<schema.Message> {
  const m = schema.messages;
  const where: SQL[] = [eq(m.channelId, channelId), or(isNull(m.threadTs), eq(m.threadTs, m.ts))!];
  if (opts.before) where.push(lt(m.ts, opts.before));
  if (opts.latest) where.push(opts.inclusive ? lte(m.ts, opts.latest) : lt(m.ts, opts.latest));
  if (opts.oldest) where.push(opts.inclusive ? gte(m.ts, opts.oldest) : gt(m.ts, opts.oldest));
  // ts strings have a fixed width (10-digit seconds, 6-digit micros), so they sort as text.
  const rows = ctx.db
    .select()
    .from(m)
    .where(and(...where))
    .orderBy(desc(m.ts))
    .limit(opts.limit + 1)
    .all();
  const more = rows.length > opts.limit;
  const items = rows.slice(0, opts.limit);
  return { items, next: more ? items.at(-1)!.ts : null };
}

/** A thread: the parent first, then its replies oldest first, from `after`. */
export function replies(
  ctx: SlackContext,
  channelId: string,
  ts: string,
  opts: { limit: number; after?: string | undefined },
): Page<schema.Message> {
  const parent = getMessage(ctx, channelId, ts);
  if (!parent) return fail('thread_not_found');
  if (!parent.threadTs) return { items: opts.after ? [] : [parent], next: null };
  const root = parent.threadTs;
  const m = schema.messages;
  const where: SQL[] = [eq(m.channelId, channelId), eq(m.threadTs, root)];
  if (opts.after) where.push(gt(m.ts, opts.after));
  const rows = ctx.db
    .select()
    .from(m)
    .where(and(...where))
    .orderBy(asc(m.ts))
    .limit(opts.limit + 1)
    .all();
  const more = rows.length > opts.limit;
  const items = rows.slice(0, opts.limit);
  return { items, next: more ? items.at(-1)!.ts : null };
}
