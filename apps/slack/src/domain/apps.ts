// Apps as an admin configures them: the bot, its request URLs (events only after url_verification),
// its event subscriptions, slash commands and incoming webhooks.
import { and, eq } from 'drizzle-orm';
import type { SlackContext } from '../context.ts';
import * as schema from '../db/schema.ts';
import { EVENT_TYPES } from '../webhooks/out/events.ts';
import { signedPost } from '../webhooks/out/requests.ts';
import { randomSecret, sha256, slackId } from './ids.ts';
import { findChannel, getApp } from './workspace.ts';

/** Why an admin request was refused: `code` for the problem, `param` names the field. */
export class AppConfigError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const refuse = (status: 400 | 404 | 409, code: string, message: string, param?: string): never => {
  throw new AppConfigError(status, code, message, param);
};

export function requireApp(ctx: SlackContext, id: string): schema.App {
  return getApp(ctx, id) ?? refuse(404, 'not_found', `No app ${id}`);
}

/** A new app with its bot user; the bot token and signing secret are shown once, in the answer. */
export function createSlackApp(
  ctx: SlackContext,
  input: { name: string; botName: string; scopes: string[] },
) {
  const now = ctx.clock.now();
  const app: schema.App = {
    id: slackId('A'),
    name: input.name,
    botUserId: slackId('U'),
    botId: slackId('B'),
    signingSecret: randomSecret(16),
    verificationToken: randomSecret(12),
    eventsUrl: null,
    eventTypes: [],
    interactivityUrl: null,
    createdAt: now,
  };
  const botToken = `xoxb-${ctx.config.SLACK_TEAM_ID}-${randomSecret(12)}`;
  ctx.db.transaction((tx) => {
    tx.insert(schema.users)
      .values({
        id: app.botUserId,
        name: input.botName,
        realName: input.name,
        isBot: true,
        botId: app.botId,
        appId: app.id,
        createdAt: now,
      })
      .run();
    tx.insert(schema.apps).values(app).run();
    tx.insert(schema.tokens)
      .values({
        tokenHash: sha256(botToken),
        prefix: 'xoxb-',
        kind: 'bot',
        userId: app.botUserId,
        appId: app.id,
        scopes: input.scopes,
        createdAt: now,
      })
      .run();
  });
  return { app, botToken };
}

async function assertCallable(ctx: SlackContext, url: string, param: string): Promise<void> {
  const verdict = await ctx.checkUrl(url);
  if (!verdict.ok) refuse(400, verdict.code, `${param} may not be used: ${verdict.reason}`, param);
}

/**
 * Slack's url_verification: POST `{token, challenge, type}` signed; the app must answer 2xx with the
 * challenge (JSON `{challenge}`, or the bare value) within the ack window.
 */
export async function verifyRequestUrl(ctx: SlackContext, app: schema.App, url: string): Promise<void> {
  await assertCallable(ctx, url, 'event_request_url');
  const challenge = randomSecret(24);
  const body = JSON.stringify({ token: app.verificationToken, challenge, type: 'url_verification' });
  const res = await signedPost(ctx, app, url, body, 'application/json');
  if (!res.ok) {
    return refuse(
      400,
      'url_verification_failed',
      `Your URL didn't respond with the value of the challenge parameter (${res.reason}: ${res.detail}).`,
      'event_request_url',
    );
  }
  let answered = res.text.trim();
  if (res.contentType.includes('json')) {
    try {
      answered = String((JSON.parse(res.text) as { challenge?: unknown }).challenge ?? '');
    } catch {
      answered = '';
    }
  } else if (res.contentType.includes('x-www-form-urlencoded')) {
    answered = new URLSearchParams(res.text).get('challenge') ?? '';
  }
  if (answered !== challenge) {
    refuse(
      400,
      'url_verification_failed',
      "Your URL didn't respond with the value of the challenge parameter.",
      'event_request_url',
    );
  }
}

export interface AppSettings {
  event_request_url?: string | null | undefined;
  event_types?: string[] | undefined;
  interactivity_url?: string | null | undefined;
}

/** Applies settings; a new events URL is stored only once it passed url_verification. */
export async function updateAppSettings(
  ctx: SlackContext,
  id: string,
  settings: AppSettings,
): Promise<schema.App> {
  const app = requireApp(ctx, id);
  const set: Partial<schema.App> = {};
  if (settings.event_types) {
    const unknown = settings.event_types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length)
      refuse(
        400,
        'invalid_event_type',
        `Unknown event types: ${unknown.join(', ')} (known: ${EVENT_TYPES.join(', ')})`,
        'event_types',
      );
    set.eventTypes = settings.event_types;
  }
  if (settings.interactivity_url !== undefined) {
    if (settings.interactivity_url)
      await assertCallable(ctx, settings.interactivity_url, 'interactivity_url');
    set.interactivityUrl = settings.interactivity_url;
  }
  if (settings.event_request_url !== undefined) {
    if (settings.event_request_url) await verifyRequestUrl(ctx, app, settings.event_request_url);
    set.eventsUrl = settings.event_request_url;
  }
  if (Object.keys(set).length) ctx.db.update(schema.apps).set(set).where(eq(schema.apps.id, id)).run();
  return requireApp(ctx, id);
}

export const listCommands = (ctx: SlackContext, appId: string) =>
  ctx.db.select().from(schema.commands).where(eq(schema.commands.appId, appId)).all();

export const findCommand = (ctx: SlackContext, command: string) =>
  ctx.db.select().from(schema.commands).where(eq(schema.commands.command, command)).get();

/** Creates or replaces a slash command (names are workspace-wide, as in Slack). */
export async function putCommand(
  ctx: SlackContext,
  appId: string,
  input: { command: string; url: string; description?: string | undefined; usage_hint?: string | undefined },
): Promise<schema.Command> {
  requireApp(ctx, appId);
  const command = input.command.startsWith('/') ? input.command : `/${input.command}`;
  if (!/^\/[a-z0-9_-]{1,31}$/.test(command))
    refuse(
      400,
      'invalid_command',
      'A command is / and up to 31 lower-case letters, digits, - or _',
      'command',
    );
  const other = findCommand(ctx, command);
  if (other && other.appId !== appId)
    refuse(409, 'name_taken', `${command} belongs to another app`, 'command');
  await assertCallable(ctx, input.url, 'url');
  const row = {
    command,
    appId,
    url: input.url,
    description: input.description ?? '',
    usageHint: input.usage_hint ?? '',
  };
  ctx.db
    .insert(schema.commands)
    .values(row)
    .onConflictDoUpdate({ target: schema.commands.command, set: row })
    .run();
  return row;
}

export function deleteCommand(ctx: SlackContext, appId: string, name: string): void {
  const command = name.startsWith('/') ? name : `/${name}`;
  const res = ctx.db
    .delete(schema.commands)
    .where(and(eq(schema.commands.appId, appId), eq(schema.commands.command, command)))
    .run();
  if (res.changes === 0) refuse(404, 'not_found', `No command ${command} on app ${appId}`);
}

export const incomingWebhookUrl = (ctx: SlackContext, id: string, secret: string) =>
  `${ctx.publicUrl()}/services/${ctx.config.SLACK_TEAM_ID}/${id}/${secret}`;

/** A webhook URL that posts into one channel as the app; the URL (its secret) is shown once. */
export function createIncomingWebhook(ctx: SlackContext, appId: string, channelRef: string) {
  requireApp(ctx, appId);
  const channel =
    findChannel(ctx, channelRef) ?? refuse(400, 'channel_not_found', `No channel ${channelRef}`, 'channel');
  const id = slackId('B');
  const secret = randomSecret(12);
  ctx.db
    .insert(schema.incomingWebhooks)
    .values({ id, appId, channelId: channel.id, secretHash: sha256(secret), createdAt: ctx.clock.now() })
    .run();
  return { id, channel: channel.id, channel_name: channel.name, url: incomingWebhookUrl(ctx, id, secret) };
}

export const listIncomingWebhooks = (ctx: SlackContext, appId: string) =>
  ctx.db.select().from(schema.incomingWebhooks).where(eq(schema.incomingWebhooks.appId, appId)).all();

export function deleteIncomingWebhook(ctx: SlackContext, appId: string, id: string): void {
  const res = ctx.db
    .delete(schema.incomingWebhooks)
    .where(and(eq(schema.incomingWebhooks.appId, appId), eq(schema.incomingWebhooks.id, id)))
    .run();
  if (res.changes === 0) refuse(404, 'not_found', `No incoming webhook ${id} on app ${appId}`);
}

/**
 * Deletes an app (admin) with its tokens, slash commands, incoming webhooks and response URLs; its bot user stays,
 * as the author of its messages. Events still in the outbox are canceled at their next turn (the dispatcher's
 * `resolveEndpoint` finds no app).
 */
export function deleteApp(ctx: SlackContext, id: string): void {
  requireApp(ctx, id);
  ctx.db.transaction((tx) => {
    tx.delete(schema.tokens).where(eq(schema.tokens.appId, id)).run();
    tx.delete(schema.commands).where(eq(schema.commands.appId, id)).run();
    tx.delete(schema.incomingWebhooks).where(eq(schema.incomingWebhooks.appId, id)).run();
    tx.delete(schema.responseUrls).where(eq(schema.responseUrls.appId, id)).run();
    tx.delete(schema.apps).where(eq(schema.apps.id, id)).run();
  });
}

/** Archives a channel (admin): messages to it are then refused (`is_archived`, 410 for webhooks). */
export function archiveChannel(ctx: SlackContext, ref: string): schema.Channel {
  const channel = findChannel(ctx, ref) ?? refuse(404, 'not_found', `No channel ${ref}`);
  ctx.db.update(schema.channels).set({ isArchived: true }).where(eq(schema.channels.id, channel.id)).run();
  return { ...channel, isArchived: true };
}
