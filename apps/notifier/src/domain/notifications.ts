// The durable path from a webhook to a Slack message: the message is written with the inbox row in the
// webhook's transaction, and a `post` job sends it after the ack, retried while Slack is down.
import type { JobHandler } from '@hooklab/db';
import {
  childSpan,
  currentTrace,
  formatTraceparent,
  newId,
  parseTraceparent,
  withTrace,
} from '@hooklab/service';
import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { channelOf } from '../config.ts';
import type { NotifierContext } from '../context.ts';
import { type Notification, notifications } from '../db/schema.ts';
import type { SlackMessage } from './messages.ts';

export const POST_JOB = 'post';

export interface IncomingEvent {
  /** The sender, which is also the inbox scope: payments, shop, logistics, hub (price alerts), social. */
  source: 'payments' | 'shop' | 'logistics' | 'hub' | 'social';
  /** The sender's message id (Stripe event id, webhook-id). */
  id: string;
  type: string;
  message: SlackMessage;
}

/**
 * Takes one verified webhook in: the inbox row, the message and its job commit together. False when the id
 * was already taken in (a retry or a concurrent copy), and then nothing is written.
 */
export function takeIn(
  ctx: Pick<NotifierContext, 'sqlite' | 'db' | 'inbox' | 'jobs' | 'clock' | 'config'>,
  e: IncomingEvent,
): boolean {
  return ctx.sqlite.transaction(() => {
    if (!ctx.inbox.claim(e.id, e.source)) return false;
    const now = ctx.clock.now();
    const id = newId('ntf');
    ctx.db
      .insert(notifications)
      .values({
        id,
        source: e.source,
        eventId: e.id,
        eventType: e.type,
        orderId: e.message.orderId ?? null,
        channel: channelOf(ctx.config, e.message.kind),
        text: e.message.text,
        blocks: JSON.stringify(e.message.blocks),
        status: 'pending',
        // The webhook's trace: the post after the ack carries it on to Slack (one trace per order).
        traceparent: currentTraceparent(),
        createdAt: now,
      })
      .run();
    ctx.jobs.schedule({ kind: POST_JOB, subjectId: id, runAt: now });
    return true;
  })();
}

export function notificationOf(ctx: Pick<NotifierContext, 'db'>, id: string): Notification | undefined {
  return ctx.db.select().from(notifications).where(eq(notifications.id, id)).get();
}

/**
 * The `post` job: chat.postMessage, then the channel and ts are stored with the job's completion. A throw
 * (Slack down, ok:false) leaves it pending with backoff. Slack may see a message twice only if the process
 * dies between Slack's answer and that commit.
 */
export function postJob(ctx: Pick<NotifierContext, 'db'> & { slack: WebClient }): JobHandler {
  return async (job) => {
    const n = notificationOf(ctx, job.subjectId);
    if (!n || n.status === 'posted') return null;
    const post = () =>
      ctx.slack.chat.postMessage({
        channel: n.channel,
        text: n.text,
        blocks: JSON.parse(n.blocks),
        unfurl_links: false,
        unfurl_media: false,
      });
    const parent = parseTraceparent(n.traceparent);
    const res = await (parent ? withTrace(childSpan(parent), post) : post());
    return (now) => {
      ctx.db
        .update(notifications)
        .set({ status: 'posted', slackChannel: res.channel ?? null, slackTs: res.ts ?? null, postedAt: now })
        .where(eq(notifications.id, n.id))
        .run();
      return null;
    };
  };
}

function currentTraceparent(): string | null {
  const trace = currentTrace();
  return trace ? formatTraceparent(trace) : null;
}
