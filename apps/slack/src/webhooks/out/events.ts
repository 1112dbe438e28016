// The Events API: `event_callback` envelopes for each app whose request URL is verified and whose
// subscriptions match, written into the outbox (profile `slack`, Slack's v0 signature) in the caller's
// transaction; the dispatcher in main.ts sends them with Slack's retries and its 3-second ack window.
import { currentTrace, formatTraceparent } from '@hooklab/service';
import type { SlackContext } from '../../context.ts';
import type * as schema from '../../db/schema.ts';
import { slackId } from '../../domain/ids.ts';
import { messageObject } from '../../domain/objects.ts';
import { isMember, listApps } from '../../domain/workspace.ts';

export const EVENT_TYPES = ['message.channels', 'app_mention', 'reaction_added'] as const;
export type EventSubscription = (typeof EVENT_TYPES)[number];

/** The envelope an app receives; `event` is the inner event. */
export function eventEnvelope(ctx: SlackContext, app: schema.App, event: Record<string, unknown>) {
  const team = ctx.config.SLACK_TEAM_ID;
  return {
    token: app.verificationToken,
    team_id: team,
    context_team_id: team,
    context_enterprise_id: null,
    api_app_id: app.id,
    event,
    type: 'event_callback',
    event_id: slackId('Ev'),
    event_time: Math.floor(ctx.clock.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: team,
        user_id: app.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(JSON.stringify({ team, app: app.id })).toString('base64url')}`,
  };
}

/** Writes one event for one app into the outbox (on the caller's open transaction). */
export function enqueueEvent(ctx: SlackContext, app: schema.App, event: Record<string, unknown>): void {
  if (!app.eventsUrl) return;
  const envelope = eventEnvelope(ctx, app, event);
  const trace = currentTrace();
  ctx.outbox.enqueue(ctx.sqlite, {
    endpointId: `app:${app.id}`,
    url: app.eventsUrl,
    eventType: String(event.type),
    eventId: envelope.event_id,
    body: JSON.stringify(envelope),
    signing: { scheme: 'slack', secrets: [app.signingSecret] },
    profile: 'slack',
    // The request that caused the event (a message typed, a reaction) is its trace: the delivery joins it.
    traceparent: trace ? formatTraceparent(trace) : undefined,
  });
}

const subscribed = (app: schema.App, type: EventSubscription) =>
  !!app.eventsUrl && app.eventTypes.includes(type);

/** `message` to apps whose bot is in the channel (`message.channels`), `app_mention` to mentioned bots. */
export function enqueueMessageEvents(
  ctx: SlackContext,
  channel: schema.Channel,
  message: schema.Message,
): void {
  const body: Record<string, unknown> = {
    ...messageObject(message, ctx.config),
    channel: channel.id,
    event_ts: message.ts,
  };
  for (const app of listApps(ctx)) {
    if (subscribed(app, 'message.channels') && isMember(ctx, channel.id, app.botUserId)) {
      enqueueEvent(ctx, app, { ...body, channel_type: channel.isPrivate ? 'group' : 'channel' });
    }
    if (
      subscribed(app, 'app_mention') &&
      message.text.includes(`<@${app.botUserId}>`) &&
      message.userId !== app.botUserId
    ) {
      const { subtype: _s, username: _u, reply_count: _r, latest_reply: _l, ...rest } = body;
      enqueueEvent(ctx, app, { ...rest, type: 'app_mention' });
    }
  }
}

export function enqueueReactionAdded(
  ctx: SlackContext,
  channel: schema.Channel,
  message: schema.Message,
  userId: string,
  reaction: string,
): void {
  const ts = ctx.nextTs();
  for (const app of listApps(ctx)) {
    if (!subscribed(app, 'reaction_added') || !isMember(ctx, channel.id, app.botUserId)) continue;
    enqueueEvent(ctx, app, {
      type: 'reaction_added',
      user: userId,
      reaction,
      item_user: message.userId,
      item: { type: 'message', channel: channel.id, ts: message.ts },
      event_ts: ts,
    });
  }
}

/** Apps whose bot is in the channel and that subscribed to `message.channels`. */
const channelSubscribers = (ctx: SlackContext, channel: schema.Channel) =>
  listApps(ctx).filter(
    (app) => subscribed(app, 'message.channels') && isMember(ctx, channel.id, app.botUserId),
  );

/** Slack's `message_changed`: the message as it is now and as it was, under a fresh `ts`. */
export function enqueueMessageChanged(
  ctx: SlackContext,
  channel: schema.Channel,
  before: schema.Message,
  after: schema.Message,
): void {
  const ts = ctx.nextTs();
  for (const app of channelSubscribers(ctx, channel)) {
    enqueueEvent(ctx, app, {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: channel.id,
      channel_type: channel.isPrivate ? 'group' : 'channel',
      message: messageObject(after, ctx.config),
      previous_message: messageObject(before, ctx.config),
      ts,
      event_ts: ts,
    });
  }
}

/** Slack's `message_deleted`: `deleted_ts` names the message. */
export function enqueueMessageDeleted(
  ctx: SlackContext,
  channel: schema.Channel,
  before: schema.Message,
): void {
  const ts = ctx.nextTs();
  for (const app of channelSubscribers(ctx, channel)) {
    enqueueEvent(ctx, app, {
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: channel.id,
      channel_type: channel.isPrivate ? 'group' : 'channel',
      deleted_ts: before.ts,
      previous_message: messageObject(before, ctx.config),
      ts,
      event_ts: ts,
    });
  }
}
