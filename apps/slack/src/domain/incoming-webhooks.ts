// Incoming webhooks: `POST /services/T…/B…/secret` with `{text, blocks}` posts into the hook's channel
// as its app. Answers are Slack's plain words: `ok`, or an error code with its status.
import { eq } from 'drizzle-orm';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import { SlackError } from './errors.ts';
import { sha256 } from './ids.ts';
import { postMessage } from './messages.ts';
import { getApp, getUser } from './workspace.ts';

export interface HookOutcome {
  status: 200 | 400 | 403 | 404 | 410;
  body: string;
}

export function postThroughHook(
  ctx: SlackContext,
  o: { team: string; id: string; secret: string; raw: string; contentType: string },
): HookOutcome {
  const hook = ctx.db
    .select()
    .from(schema.incomingWebhooks)
    .where(eq(schema.incomingWebhooks.id, o.id))
    .get();
  if (!hook || o.team !== ctx.config.SLACK_TEAM_ID || hook.secretHash !== sha256(o.secret)) {
    return { status: 404, body: 'no_service' };
  }
  let body: Record<string, unknown>;
  try {
    const text = o.contentType.includes('x-www-form-urlencoded')
      ? (new URLSearchParams(o.raw).get('payload') ?? '')
      : o.raw;
    body = JSON.parse(text);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SyntaxError('not an object');
  } catch {
    return { status: 400, body: 'invalid_payload' };
  }
  const text = typeof body.text === 'string' ? body.text : undefined;
  const blocks = body.blocks;
  const attachments = body.attachments;
  if (
    (blocks !== undefined && !Array.isArray(blocks)) ||
    (attachments !== undefined && !Array.isArray(attachments))
  ) {
    return { status: 400, body: 'invalid_payload' };
  }
  if (
    !text &&
    !(blocks as unknown[] | undefined)?.length &&
    !(attachments as unknown[] | undefined)?.length
  ) {
    return { status: 400, body: 'no_text' };
  }
  const channel = ctx.db.select().from(schema.channels).where(eq(schema.channels.id, hook.channelId)).get();
  if (!channel) return { status: 404, body: 'channel_not_found' };
  if (channel.isArchived) return { status: 410, body: 'channel_is_archived' };
  const app = getApp(ctx, hook.appId);
  const user = app && getUser(ctx, app.botUserId);
  if (!app || !user) return { status: 403, body: 'action_prohibited' };
  try {
    postMessage(
      ctx,
      channel,
      { user, app, username: typeof body.username === 'string' ? body.username : undefined },
      {
        text,
        blocks: blocks as unknown[] | undefined,
        attachments: attachments as unknown[] | undefined,
        threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
      },
    );
  } catch (error) {
    if (error instanceof SlackError)
      return { status: 400, body: error.error === 'no_text' ? 'no_text' : 'invalid_payload' };
    throw error;
  }
  return { status: 200, body: 'ok' };
}
