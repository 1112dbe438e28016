// Slash commands and Block Kit buttons, as Slack runs them: a signed form POST to the app within the ack
// window, with a response_url the app may POST to within 30 minutes, at most 5 times.
import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import { signedPost } from '../webhooks/out/requests.ts';
import { findCommand } from './apps.ts';
import { SlackError } from './errors.ts';
import { randomSecret, sha256 } from './ids.ts';
import {
  getMessage,
  type MessageInput,
  postEphemeral,
  postMessage,
  removeMessage,
  replaceMessage,
} from './messages.ts';
import { messageObject } from './objects.ts';
import { getApp, getUser } from './workspace.ts';

/** `missing`: what was named does not exist (the UI answers 404); otherwise the person saw a notice. */
export type InteractionResult = { ok: true } | { ok: false; error: string; missing?: true };

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const triggerId = () => `${digits(13)}.${digits(13)}.${randomSecret(16)}`;

function createResponseUrl(
  ctx: SlackContext,
  kind: 'commands' | 'actions',
  o: { appId: string; channelId: string; userId: string; messageTs: string | null },
): string {
  const id = digits(13);
  const secret = randomSecret(12);
  const now = ctx.clock.now();
  ctx.db
    .insert(schema.responseUrls)
    .values({
      id,
      secretHash: sha256(secret),
      ...o,
      uses: 0,
      expiresAt: now + ctx.config.SLACK_RESPONSE_URL_TTL_MS,
      createdAt: now,
    })
    .run();
  return `${ctx.publicUrl()}/${kind}/${ctx.config.SLACK_TEAM_ID}/${id}/${secret}`;
}

/** A line only `userId` sees in the web UI (Slack's grey "Only visible to you"). */
const notice = (ctx: SlackContext, channel: string, user: string, text: string): InteractionResult => {
  ctx.live.publish({ type: 'notice', channel, user, text });
  return { ok: false, error: text };
};

/** What an app's 200 answer (or a response_url POST) asks for: a message in the channel or only for the user. */
interface Reply extends MessageInput {
  responseType: 'in_channel' | 'ephemeral';
  replaceOriginal: boolean;
  deleteOriginal: boolean;
}

function parseReply(text: string, contentType: string): Reply | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (!contentType.includes('json')) {
    return { text: trimmed, responseType: 'ephemeral', replaceOriginal: false, deleteOriginal: false };
  }
  const body = JSON.parse(trimmed) as Record<string, unknown>;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SyntaxError('not an object');
  const flag = (v: unknown) => v === true || v === 'true';
  return {
    text: typeof body.text === 'string' ? body.text : undefined,
    blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
    attachments: Array.isArray(body.attachments) ? body.attachments : undefined,
    threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
    responseType: body.response_type === 'in_channel' ? 'in_channel' : 'ephemeral',
    replaceOriginal: flag(body.replace_original),
    deleteOriginal: flag(body.delete_original),
  };
}

function botAuthor(ctx: SlackContext, app: schema.App) {
  const user = getUser(ctx, app.botUserId)!;
  return { user, app };
}

/** Shows a reply from an app: replaces or deletes the original message, posts to the channel, or to the user only. */
function applyReply(
  ctx: SlackContext,
  app: schema.App,
  o: { channel: schema.Channel; userId: string; messageTs: string | null },
  reply: Reply,
): void {
  const original = o.messageTs ? getMessage(ctx, o.channel.id, o.messageTs) : undefined;
  if (reply.deleteOriginal && original) {
    removeMessage(ctx, o.channel, original);
    return;
  }
  if (reply.replaceOriginal && original) {
    replaceMessage(ctx, o.channel, original, reply);
    return;
  }
  if (reply.responseType === 'in_channel') postMessage(ctx, o.channel, botAuthor(ctx, app), reply);
  else postEphemeral(ctx, o.channel, botAuthor(ctx, app), o.userId, reply);
}

const channelById = (ctx: SlackContext, id: string) =>
  ctx.db.select().from(schema.channels).where(eq(schema.channels.id, id)).get();

/** Runs `/command text` typed by `userId` in `channelId`. */
export async function runSlashCommand(
  ctx: SlackContext,
  input: { channelId: string; userId: string; text: string },
): Promise<InteractionResult> {
  const channel = channelById(ctx, input.channelId);
  const user = getUser(ctx, input.userId);
  if (!channel || !user) return { ok: false, error: 'Channel or user', missing: true };
  const [name = ''] = input.text.trim().split(/\s+/);
  const command = findCommand(ctx, name.toLowerCase());
  const app = command && getApp(ctx, command.appId);
  if (!command || !app) return notice(ctx, channel.id, user.id, `${name} is not a valid command.`);
  const responseUrl = createResponseUrl(ctx, 'commands', {
    appId: app.id,
    channelId: channel.id,
    userId: user.id,
    messageTs: null,
  });
  const form = new URLSearchParams({
    token: app.verificationToken,
    team_id: ctx.config.SLACK_TEAM_ID,
    team_domain: ctx.config.SLACK_TEAM_DOMAIN,
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: user.id,
    user_name: user.name,
    command: command.command,
    text: input.text.trim().slice(name.length).trim(),
    api_app_id: app.id,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  });
  const res = await signedPost(ctx, app, command.url, form.toString(), 'application/x-www-form-urlencoded');
  if (!res.ok) {
    const error = res.reason === 'http_timeout' ? 'operation_timeout' : res.reason;
    return notice(ctx, channel.id, user.id, `${command.command} failed with the error "${error}"`);
  }
  try {
    const reply = parseReply(res.text, res.contentType);
    if (reply) applyReply(ctx, app, { channel, userId: user.id, messageTs: null }, reply);
  } catch {
    return notice(ctx, channel.id, user.id, `${command.command} failed with the error "invalid_response"`);
  }
  return { ok: true };
}

interface ButtonElement {
  type: string;
  action_id?: string;
  value?: string;
  text?: unknown;
  style?: string;
}

function findButton(blocks: unknown[], actionId: string): { blockId: string; element: ButtonElement } | null {
  for (const b of blocks as {
    type?: string;
    block_id?: string;
    elements?: ButtonElement[];
    accessory?: ButtonElement;
  }[]) {
    const candidates = [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])];
    const element = candidates.find((e) => e && e.action_id === actionId);
    if (element) return { blockId: b.block_id ?? 'block', element };
  }
  return null;
}

/** A person presses a button (`action_id`) of a message: a signed `block_actions` payload to the app. */
export async function pressButton(
  ctx: SlackContext,
  input: { channelId: string; ts: string; userId: string; actionId: string },
): Promise<InteractionResult> {
  const channel = channelById(ctx, input.channelId);
  const user = getUser(ctx, input.userId);
  const message = channel && getMessage(ctx, channel.id, input.ts);
  if (!channel || !user || !message) return { ok: false, error: 'Message', missing: true };
  const found = message.blocks ? findButton(message.blocks, input.actionId) : null;
  if (!found) return { ok: false, error: 'Button', missing: true };
  const app = message.appId ? getApp(ctx, message.appId) : undefined;
  if (!app?.interactivityUrl)
    return notice(ctx, channel.id, user.id, 'This app is not set up for interactivity.');
  const responseUrl = createResponseUrl(ctx, 'actions', {
    appId: app.id,
    channelId: channel.id,
    userId: user.id,
    messageTs: message.ts,
  });
  const payload = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: ctx.config.SLACK_TEAM_ID },
    api_app_id: app.id,
    token: app.verificationToken,
    container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: ctx.config.SLACK_TEAM_ID, domain: ctx.config.SLACK_TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    message: messageObject(message, ctx.config),
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        action_id: input.actionId,
        block_id: found.blockId,
        text: found.element.text,
        ...(found.element.value !== undefined ? { value: found.element.value } : {}),
        ...(found.element.style ? { style: found.element.style } : {}),
        type: found.element.type,
        action_ts: ctx.nextTs(),
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await signedPost(ctx, app, app.interactivityUrl, body, 'application/x-www-form-urlencoded');
  if (!res.ok) return notice(ctx, channel.id, user.id, `The app did not answer (${res.reason}).`);
  return { ok: true };
}

export type ResponseUrlOutcome = { status: 200 } | { status: 400 | 404 | 410; error: string };

/** A POST to a response_url: at most `SLACK_RESPONSE_URL_MAX_USES` times, within its lifetime. */
export function useResponseUrl(
  ctx: SlackContext,
  id: string,
  secret: string,
  raw: string,
  contentType: string,
): ResponseUrlOutcome {
  const row = ctx.db.select().from(schema.responseUrls).where(eq(schema.responseUrls.id, id)).get();
  if (!row || row.secretHash !== sha256(secret)) return { status: 404, error: 'no_service' };
  if (ctx.clock.now() > row.expiresAt) return { status: 404, error: 'expired_url' };
  if (row.uses >= ctx.config.SLACK_RESPONSE_URL_MAX_USES) return { status: 404, error: 'used_url' };
  let reply: Reply | null;
  try {
    const text = contentType.includes('x-www-form-urlencoded')
      ? (new URLSearchParams(raw).get('payload') ?? '')
      : raw;
    reply = parseReply(text, 'application/json');
  } catch {
    return { status: 400, error: 'invalid_payload' };
  }
  if (
    !reply ||
    (!reply.deleteOriginal && !reply.text && !reply.blocks?.length && !reply.attachments?.length)
  ) {
    return { status: 400, error: 'no_text' };
  }
  const app = getApp(ctx, row.appId);
  const channel = channelById(ctx, row.channelId);
  if (!app || !channel) return { status: 404, error: 'channel_not_found' };
  ctx.db
    .update(schema.responseUrls)
    .set({ uses: row.uses + 1 })
    .where(eq(schema.responseUrls.id, id))
    .run();
  try {
    applyReply(ctx, app, { channel, userId: row.userId, messageTs: row.messageTs }, reply);
  } catch (error) {
    if (error instanceof SlackError)
      return { status: error.error === 'is_archived' ? 410 : 400, error: error.error };
    throw error;
  }
  return { status: 200 };
}
