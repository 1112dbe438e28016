// The Web API methods (https://api.slack.com/methods): each with its scope, its rate tier and what it
// does with the arguments of a form or JSON body. Failures throw SlackError (`{ok:false, error}`).
import { asc, eq, gt } from 'drizzle-orm';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import { fail } from './errors.ts';
import { slackId } from './ids.ts';
import {
  type Author,
  addReaction,
  deleteMessage,
  history,
  type MessageInput,
  postEphemeral,
  postMessage,
  replies,
  updateMessage,
} from './messages.ts';
import { channelObject, messageObject, userObject } from './objects.ts';
import type { Tier } from './rate-limits.ts';
import { type Caller, channelFor, getUser, isMember, join, memberIds } from './workspace.ts';

export type Args = Record<string, unknown>;

export type WebApiMethod =
  | {
      /** The OAuth scope a token needs; none for auth.test. */
      scope?: string;
      tier: Tier;
      /** chat.postMessage is limited per channel, the others per token. */
      perChannel?: boolean;
      public?: false;
      run(ctx: SlackContext, caller: Caller, args: Args): Record<string, unknown>;
    }
  | {
      /** Answers without a token (api.test). */
      public: true;
      run(ctx: SlackContext, args: Args): Record<string, unknown>;
    };

// --- arguments: a form sends strings (nested values JSON-encoded), a JSON body sends real types ---

export function str(args: Args, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${name} must be a string`] } });
}

export function bool(args: Args, name: string): boolean {
  const v = args[name];
  return v === true || v === 1 || v === 'true' || v === '1';
}

function int(args: Args, name: string, fallback: number, max: number): number {
  const raw = str(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    return fail('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] ${name} must be an integer`] },
    });
  return n === 0 ? fallback : Math.min(n, max);
}

/** `blocks` / `attachments`: an array, or (in a form) its JSON text. */
function jsonList(args: Args, name: 'blocks' | 'attachments'): unknown[] | undefined {
  let v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return fail(`invalid_${name}`);
    }
  }
  if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object')) return fail(`invalid_${name}`);
  if (name === 'blocks' && v.some((b) => typeof (b as { type?: unknown }).type !== 'string'))
    return fail('invalid_blocks');
  return v;
}

function messageInput(args: Args): MessageInput {
  return {
    text: str(args, 'text'),
    blocks: jsonList(args, 'blocks'),
    attachments: jsonList(args, 'attachments'),
    threadTs: str(args, 'thread_ts'),
  };
}

/** Cursors are opaque to clients; ours are base64 of `kind:key`, like Slack's. */
export const encodeCursor = (kind: string, key: string) => Buffer.from(`${kind}:${key}`).toString('base64');

function decodeCursor(args: Args, kind: string): string | undefined {
  const raw = str(args, 'cursor');
  if (!raw) return undefined;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  if (!text.startsWith(`${kind}:`) || text.length === kind.length + 1) return fail('invalid_cursor');
  return text.slice(kind.length + 1);
}

const nextCursor = (kind: string, next: string | null) => ({
  response_metadata: { next_cursor: next ? encodeCursor(kind, next) : '' },
});

const authorOf = (caller: Caller, username?: string): Author => ({
  user: caller.user,
  app: caller.kind === 'bot' ? caller.app : null,
  username: caller.kind === 'bot' ? username : undefined,
});

/** A bot reads only the channels it is in (Slack: `not_in_channel`). */
function assertCanRead(ctx: SlackContext, caller: Caller, channel: schema.Channel): void {
  if (caller.kind === 'bot' && !isMember(ctx, channel.id, caller.user.id)) fail('not_in_channel');
}

/** A bot posts to any public channel with `chat:write.public`; otherwise it must be a member. */
function assertCanPost(ctx: SlackContext, caller: Caller, channel: schema.Channel): void {
  if (isMember(ctx, channel.id, caller.user.id)) return;
  if (!channel.isPrivate && caller.kind === 'bot' && caller.scopes.includes('chat:write.public')) return;
  fail('not_in_channel');
}

const CHANNEL_NAME = /^[a-z0-9_-]+$/;

export const webApiMethods: Record<string, WebApiMethod> = {
  'api.test': {
    public: true,
    run: (_ctx, args) => {
      const { token: _token, ...rest } = args;
      if (typeof rest.error === 'string' && rest.error) fail(rest.error);
      return Object.keys(rest).length ? { args: rest } : {};
    },
  },
  'auth.test': {
    tier: 4,
    run(ctx, caller) {
      return {
        url: `${ctx.publicUrl()}/`,
        team: ctx.config.SLACK_TEAM_NAME,
        user: caller.user.name,
        team_id: ctx.config.SLACK_TEAM_ID,
        user_id: caller.user.id,
        ...(caller.kind === 'bot' && caller.app ? { bot_id: caller.app.botId, app_id: caller.app.id } : {}),
        is_enterprise_install: false,
      };
    },
  },
  'chat.postMessage': {
    scope: 'chat:write',
    tier: 'post',
    perChannel: true,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      assertCanPost(ctx, caller, channel);
      const m = postMessage(ctx, channel, authorOf(caller, str(args, 'username')), messageInput(args));
      return { channel: channel.id, ts: m.ts, message: messageObject(m, ctx.config) };
    },
  },
  'chat.update': {
    scope: 'chat:write',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      const m = updateMessage(ctx, channel, str(args, 'ts'), caller.user.id, messageInput(args));
      return { channel: channel.id, ts: m.ts, text: m.text, message: messageObject(m, ctx.config) };
    },
  },
  'chat.delete': {
    scope: 'chat:write',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      const m = deleteMessage(ctx, channel, str(args, 'ts'), caller.user.id);
      return { channel: channel.id, ts: m.ts };
    },
  },
  'chat.postEphemeral': {
    scope: 'chat:write',
    tier: 4,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      const userId = str(args, 'user');
      if (!userId || !getUser(ctx, userId)) return fail('user_not_found');
      if (!isMember(ctx, channel.id, userId)) return fail('user_not_in_channel');
      assertCanPost(ctx, caller, channel);
      return { message_ts: postEphemeral(ctx, channel, authorOf(caller), userId, messageInput(args)) };
    },
  },
  'conversations.create': {
    scope: 'channels:manage',
    tier: 2,
    run(ctx, caller, args) {
      const name = str(args, 'name');
      if (!name) return fail('invalid_name_required');
      if (name.length > 80) return fail('invalid_name_maxlength');
      if (!CHANNEL_NAME.test(name)) return fail('invalid_name_specials');
      const exists = ctx.db.select().from(schema.channels).where(eq(schema.channels.name, name)).get();
      if (exists) return fail('name_taken');
      const row: schema.Channel = {
        id: slackId('C'),
        name,
        topic: '',
        purpose: '',
        isPrivate: bool(args, 'is_private'),
        isArchived: false,
        creator: caller.user.id,
        createdAt: ctx.clock.now(),
      };
      ctx.db.transaction((tx) => {
        tx.insert(schema.channels).values(row).run();
        tx.insert(schema.members).values({ channelId: row.id, userId: caller.user.id }).run();
      });
      const channel = channelObject(row, { isMember: true });
      ctx.live.publish({ type: 'channel_created', channel });
      return { channel };
    },
  },
  'conversations.list': {
    scope: 'channels:read',
    tier: 2,
    run(ctx, caller, args) {
      const types = (str(args, 'types') ?? 'public_channel').split(',').map((t) => t.trim());
      const limit = int(args, 'limit', 100, ctx.config.SLACK_PAGE_LIMIT);
      const after = decodeCursor(args, 'channel');
      const c = schema.channels;
      const rows = ctx.db
        .select()
        .from(c)
        .where(after ? gt(c.id, after) : undefined)
        .orderBy(asc(c.id))
        .all()
        .filter((ch) =>
          ch.isPrivate
            ? types.includes('private_channel') && isMember(ctx, ch.id, caller.user.id)
            : types.includes('public_channel'),
        )
        .filter((ch) => !(bool(args, 'exclude_archived') && ch.isArchived));
      const page = rows.slice(0, limit);
      return {
        channels: page.map((ch) =>
          channelObject(ch, {
            isMember: isMember(ctx, ch.id, caller.user.id),
            numMembers: memberIds(ctx, ch.id).length,
          }),
        ),
        ...nextCursor('channel', rows.length > limit ? page.at(-1)!.id : null),
      };
    },
  },
  'conversations.info': {
    scope: 'channels:read',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      return {
        channel: channelObject(channel, {
          isMember: isMember(ctx, channel.id, caller.user.id),
          ...(bool(args, 'include_num_members') ? { numMembers: memberIds(ctx, channel.id).length } : {}),
        }),
      };
    },
  },
  'conversations.history': {
    scope: 'channels:history',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      assertCanRead(ctx, caller, channel);
      const page = history(ctx, channel.id, {
        limit: int(args, 'limit', 100, ctx.config.SLACK_PAGE_LIMIT),
        before: decodeCursor(args, 'next_ts'),
        oldest: str(args, 'oldest'),
        latest: str(args, 'latest'),
        inclusive: bool(args, 'inclusive'),
      });
      return {
        messages: page.items.map((m) => messageObject(m, ctx.config)),
        has_more: page.next !== null,
        pin_count: 0,
        ...nextCursor('next_ts', page.next),
      };
    },
  },
  'conversations.replies': {
    scope: 'channels:history',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      assertCanRead(ctx, caller, channel);
      const ts = str(args, 'ts');
      if (!ts) return fail('thread_not_found');
      const page = replies(ctx, channel.id, ts, {
        limit: int(args, 'limit', 100, ctx.config.SLACK_PAGE_LIMIT),
        after: decodeCursor(args, 'next_ts'),
      });
      return {
        messages: page.items.map((m) => messageObject(m, ctx.config)),
        has_more: page.next !== null,
        ...nextCursor('next_ts', page.next),
      };
    },
  },
  'conversations.join': {
    scope: 'channels:join',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      if (channel.isPrivate) return fail('method_not_supported_for_channel_type');
      if (channel.isArchived) return fail('is_archived');
      const joined = join(ctx, channel.id, caller.user.id);
      return {
        channel: channelObject(channel, { isMember: true }),
        ...(joined
          ? {}
          : { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }),
      };
    },
  },
  'users.list': {
    scope: 'users:read',
    tier: 2,
    run(ctx, _caller, args) {
      const limit = int(args, 'limit', 100, ctx.config.SLACK_PAGE_LIMIT);
      const after = decodeCursor(args, 'user');
      const u = schema.users;
      const rows = ctx.db
        .select()
        .from(u)
        .where(after ? gt(u.id, after) : undefined)
        .orderBy(asc(u.id))
        .limit(limit + 1)
        .all();
      const page = rows.slice(0, limit);
      return {
        members: page.map((m) => userObject(m, ctx.config)),
        cache_ts: Math.floor(ctx.clock.now() / 1000),
        ...nextCursor('user', rows.length > limit ? page.at(-1)!.id : null),
      };
    },
  },
  'users.info': {
    scope: 'users:read',
    tier: 4,
    run(ctx, _caller, args) {
      const id = str(args, 'user');
      const user = id ? getUser(ctx, id) : undefined;
      if (!user) return fail('user_not_found');
      return { user: userObject(user, ctx.config) };
    },
  },
  'reactions.add': {
    scope: 'reactions:write',
    tier: 3,
    run(ctx, caller, args) {
      const channel = channelFor(ctx, str(args, 'channel'), caller.user.id);
      addReaction(ctx, channel, str(args, 'timestamp'), caller.user.id, str(args, 'name'));
      return {};
    },
  },
};
