// Topics and subscriptions as the page and the API show them: no secrets, callbacks without query strings.
import { asc, desc, eq } from 'drizzle-orm';
import type { HubContext } from '../context.ts';
import { type Subscription, subscriptions, topics, verifications } from '../db/schema.ts';

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** A callback as shown: origin and path only (query strings often carry the subscriber's tokens). */
export function shownCallback(callback: string): string {
  const url = new URL(callback);
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

export function subscriptionView(sub: Subscription, now: number) {
  return {
    id: sub.id,
    topic: sub.topic,
    callback: shownCallback(sub.callback),
    signed: sub.secret ? sub.algorithm : null,
    lease_seconds: sub.leaseSeconds,
    lease_left_seconds: Math.max(0, Math.floor((sub.expiresAt - now) / 1000)),
    expires_at: iso(sub.expiresAt)!,
    created_at: iso(sub.createdAt)!,
    last_delivery_at: iso(sub.lastDeliveryAt),
    last_delivery_status: sub.lastDeliveryStatus,
    last_delivery_ok: sub.lastDeliveryOk,
  };
}

export function listSubscriptions(ctx: HubContext, opts: { topic?: string | undefined; limit: number }) {
  const now = ctx.clock.now();
  const q = ctx.db.select().from(subscriptions);
  const rows = (opts.topic ? q.where(eq(subscriptions.topic, opts.topic)) : q)
    .orderBy(asc(subscriptions.topic), asc(subscriptions.id))
    .limit(opts.limit)
    .all();
  return rows.filter((s) => s.expiresAt > now).map((s) => subscriptionView(s, now));
}

export function listTopics(ctx: HubContext, limit: number) {
  return ctx.db
    .select()
    .from(topics)
    .orderBy(desc(topics.lastPublishAt))
    .limit(limit)
    .all()
    .map((t) => ({
      url: t.url,
      content_type: t.contentType,
      publish_count: t.publishCount,
      last_publish_at: iso(t.lastPublishAt),
      last_fetch_at: iso(t.lastFetchAt),
      last_error: t.lastError,
      last_fan_out: t.lastFanOut,
    }));
}

export function recentVerifications(ctx: HubContext, limit: number) {
  return ctx.db
    .select()
    .from(verifications)
    .orderBy(desc(verifications.at))
    .limit(limit)
    .all()
    .map((v) => ({
      topic: v.topic,
      callback: shownCallback(v.callback),
      mode: v.mode,
      outcome: v.outcome,
      detail: v.detail,
      at: iso(v.at)!,
    }));
}
