// What the hub sends: content distribution (WebSub §7). One message per active subscriber, written in one
// outbox transaction per publish; the dispatcher signs each attempt per the subscription's secret.
import { isIP } from 'node:net';
import type { SqliteClient } from '@hooklab/db';
import {
  type AttemptEvent,
  type CheckUrlResult,
  checkUrl,
  createDispatcher,
  type Dispatcher,
  type NewMessage,
  type SqliteOutbox,
  type SsrfOptions,
} from '@hooklab/webhooks';
import type { HubContext } from '../../context.ts';
import { lastDeliveryRecorder } from '../../domain/deliveries.ts';
import { liveSubscription, type Recipient, removeGone, signingSchemeOf } from '../../domain/subscriptions.ts';

export const DISTRIBUTION_EVENT = 'websub.content';

export interface Content {
  topic: string;
  /** The topic's own `Content-Type`, exactly as it answered. */
  contentType: string;
  body: string;
  hubUrl: string;
  /** Identifies this publish (the messages' event id): one per fetch of the topic. */
  publishId: string;
}

/** `Link: <hub>; rel="hub", <topic>; rel="self"` — the subscriber learns both from every delivery. */
export function linkHeader(hubUrl: string, topic: string): string {
  return `<${hubUrl}>; rel="hub", <${topic}>; rel="self"`;
}

/** The distribution messages of one publish; signing is left to the dispatcher, per subscriber secret. */
export function distributionMessages(content: Content, subs: readonly Recipient[]): NewMessage[] {
  const headers = { 'content-type': content.contentType, link: linkHeader(content.hubUrl, content.topic) };
  return subs.map((sub) => ({
    endpointId: sub.id,
    url: sub.callback,
    eventType: DISTRIBUTION_EVENT,
    eventId: content.publishId,
    body: content.body,
    headers,
    signing: { scheme: signingSchemeOf(sub), secrets: sub.secret ? [sub.secret] : [] },
    profile: 'standard',
  }));
}

/** Enqueues them on `tx` (the caller's transaction): all of a publish commits, or none of it. */
export function enqueueDistribution(
  outbox: SqliteOutbox,
  tx: SqliteClient,
  content: Content,
  subs: readonly Recipient[],
): number {
  if (subs.length === 0) return 0;
  outbox.enqueueMany(tx, distributionMessages(content, subs));
  return subs.length;
}

const LITERAL_VERDICTS_MAX = 100_000;

/**
 * The SSRF check of every attempt, its verdict kept per URL whose host is an IP address: such a verdict
 * asks no DNS, so it cannot change. Names are checked (and resolved) on every attempt, as before.
 */
export function literalAwareCheck(
  options: SsrfOptions,
): (url: string) => CheckUrlResult | Promise<CheckUrlResult> {
  const verdicts = new Map<string, CheckUrlResult>();
  const keep = (url: string, result: CheckUrlResult) => {
    if (result.ok && isIP(result.url.hostname.replace(/^\[|\]$/g, '')) !== 0) {
      if (verdicts.size >= LITERAL_VERDICTS_MAX) verdicts.clear();
      verdicts.set(url, result);
    }
    return result;
  };
  // A kept verdict is returned as it is, not in a promise: the dispatcher then sends without an extra turn.
  return (url) => verdicts.get(url) ?? checkUrl(url, options).then((result) => keep(url, result));
}

export interface DistributionDispatcherOptions {
  /** Called after every attempt, beside the hub's own last-delivery bookkeeping (the recorder's, in main.ts). */
  onAttempt?: (e: AttemptEvent) => void;
}

/**
 * The dispatcher that sends distributions: the subscription is looked up per attempt (an expired or
 * removed one cancels the message; a renewed secret signs the retries), 410 ends the subscription.
 */
export function createDistributionDispatcher(
  ctx: HubContext,
  opts: DistributionDispatcherOptions = {},
): Dispatcher {
  const recordLast = lastDeliveryRecorder(ctx);
  const check = literalAwareCheck(ctx.ssrf);
  const dispatcher = createDispatcher({
    store: ctx.outbox,
    clock: ctx.clock,
    retrySchedule: ctx.config.WEBHOOK_RETRY_SCHEDULE,
    concurrency: ctx.config.HUB_DELIVERY_CONCURRENCY,
    prefetch: ctx.config.HUB_DELIVERY_CONCURRENCY,
    ssrf: { check },
    logger: ctx.logger,
    resolveEndpoint: (id) => {
      const sub = liveSubscription(ctx, id);
      if (!sub) return null;
      return {
        url: sub.callback,
        secrets: sub.secret ? [sub.secret] : [],
        scheme: signingSchemeOf(sub),
        enabled: true,
      };
    },
    onEndpointGone: (id) => removeGone(ctx, id),
    onAttempt: (e) => {
      recordLast(e);
      opts.onAttempt?.(e);
    },
  });
  const stop = dispatcher.stop.bind(dispatcher);
  // The last batch of bookkeeping is written once no attempt can add to it, before the database closes.
  dispatcher.stop = async (...args) => {
    try {
      return await stop(...args);
    } finally {
      recordLast.flush();
    }
  };
  return dispatcher;
}
