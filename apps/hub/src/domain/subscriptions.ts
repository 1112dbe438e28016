// Subscriptions and verification of intent (WebSub §5.3): a request becomes an intent, a job asks the
// subscriber, and only a confirmed intent changes the subscription. Job steps here; no HTTP framework.
import { createHash, randomBytes } from 'node:crypto';
import { guardedFetch, type HubAlgorithm, hubSigningScheme, type SigningScheme } from '@hooklab/webhooks';
import { and, eq, gt, lte, min, sql } from 'drizzle-orm';
import type { HubContext } from '../context.ts';
import { intents, type Subscription, subscriptions, verifications } from '../db/schema.ts';
import type { SubscriptionRequest } from './requests.ts';

export const VERIFY_JOB = 'intent.verify';
export const SWEEP_JOB = 'lease.sweep';
/** Verification outcomes kept for the page; older ones are pruned as new ones come. */
export const KEEP_VERIFICATIONS = 500;
/** The longest verification answer read: a challenge is 43 characters. */
const MAX_ANSWER_BYTES = 1024;

const digest = (callback: string, topic: string) =>
  createHash('sha256').update(callback).update('\n').update(topic).digest('hex').slice(0, 24);

/** One id per (callback, topic), so two identical requests land on one row whatever their order. */
export const subscriptionIdOf = (callback: string, topic: string) => `sub_${digest(callback, topic)}`;
const intentIdOf = (callback: string, topic: string) => `int_${digest(callback, topic)}`;

/** The signing scheme of the outbox for a subscription (`hub-sha256`…), `none` without a secret. */
export function signingSchemeOf(sub: { secret: string | null; algorithm: HubAlgorithm }): SigningScheme {
  return sub.secret ? hubSigningScheme(sub.algorithm) : 'none';
}

/**
 * Records the request (the latest one per callback and topic wins) and schedules its verification, or
 * a denial notice when the hub does not serve the topic. Never waits for the subscriber.
 */
export function requestIntent(ctx: HubContext, req: SubscriptionRequest, denyReason: string | null): void {
  const now = ctx.clock.now();
  const id = intentIdOf(req.callback, req.topic);
  const row = {
    id,
    callback: req.callback,
    topic: req.topic,
    mode: denyReason ? ('denied' as const) : req.mode,
    secret: req.secret,
    algorithm: req.algorithm,
    leaseSeconds: req.leaseSeconds,
    reason: denyReason,
    revision: 1,
    createdAt: now,
  };
  ctx.sqlite.transaction(() => {
    ctx.db
      .insert(intents)
      .values(row)
      .onConflictDoUpdate({
        target: intents.id,
        set: { ...row, id: undefined, revision: sql`${intents.revision} + 1` },
      })
      .run();
    ctx.jobs.schedule({ kind: VERIFY_JOB, subjectId: id, runAt: now });
  })();
}

type Outcome = { outcome: 'verified' | 'refused' | 'unreachable' | 'denied'; detail: string };

/** The verification (or denial) GET: the callback's own query kept, the hub's parameters appended. */
export function verificationUrl(callback: string, params: Record<string, string>): string {
  const url = new URL(callback);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return url.href;
}

async function ask(ctx: HubContext, url: string): Promise<{ status: number; body: string } | string> {
  try {
    const res = await guardedFetch(
      url,
      { method: 'GET', signal: AbortSignal.timeout(ctx.config.HUB_FETCH_TIMEOUT_MS) },
      { ssrf: ctx.ssrf, fetch: ctx.fetch },
    );
    const body = await readLimited(res, MAX_ANSWER_BYTES);
    return { status: res.status, body };
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function readLimited(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString('utf8');
}

/** The job step: ask the subscriber (or tell it of the denial), then commit what its answer allows. */
export async function verifyIntent(ctx: HubContext, intentId: string) {
  const intent = ctx.db.select().from(intents).where(eq(intents.id, intentId)).get();
  if (!intent) return null;
  let result: Outcome;
  if (intent.mode === 'denied') {
    const reason = intent.reason ?? 'refused';
    await ask(
      ctx,
      verificationUrl(intent.callback, {
        'hub.mode': 'denied',
        'hub.topic': intent.topic,
        'hub.reason': reason,
      }),
    );
    result = { outcome: 'denied', detail: reason };
  } else {
    const challenge = randomBytes(24).toString('base64url');
    const params: Record<string, string> = {
      'hub.mode': intent.mode,
      'hub.topic': intent.topic,
      'hub.challenge': challenge,
    };
    if (intent.mode === 'subscribe') params['hub.lease_seconds'] = String(intent.leaseSeconds);
    const answer = await ask(ctx, verificationUrl(intent.callback, params));
    if (typeof answer === 'string') result = { outcome: 'unreachable', detail: answer.slice(0, 200) };
    else if (answer.status < 200 || answer.status > 299)
      result = { outcome: 'refused', detail: `answered ${answer.status}` };
    else if (answer.body !== challenge) result = { outcome: 'refused', detail: 'did not echo hub.challenge' };
    else result = { outcome: 'verified', detail: `answered ${answer.status} with the challenge` };
  }

  return (now: number) => {
    const current = ctx.db.select().from(intents).where(eq(intents.id, intentId)).get();
    // A newer request for the same pair came in while we asked: its own verification decides.
    if (!current || current.revision !== intent.revision) return null;
    ctx.db.delete(intents).where(eq(intents.id, intentId)).run();
    forget(ctx);
    const subId = subscriptionIdOf(intent.callback, intent.topic);
    if (result.outcome === 'verified' && intent.mode === 'subscribe') {
      const values = {
        id: subId,
        callback: intent.callback,
        topic: intent.topic,
        secret: intent.secret,
        algorithm: intent.algorithm,
        leaseSeconds: intent.leaseSeconds,
        expiresAt: now + intent.leaseSeconds * 1000,
        createdAt: now,
        updatedAt: now,
      };
      ctx.db
        .insert(subscriptions)
        .values(values)
        .onConflictDoUpdate({
          target: subscriptions.id,
          set: { ...values, id: undefined, createdAt: undefined },
        })
        .run();
      scheduleSweep(ctx);
    } else if (
      (result.outcome === 'verified' && intent.mode === 'unsubscribe') ||
      result.outcome === 'denied'
    ) {
      ctx.db.delete(subscriptions).where(eq(subscriptions.id, subId)).run();
    }
    // Anything else (refused, unreachable) leaves an existing subscription exactly as it was.
    ctx.db
      .insert(verifications)
      .values({
        id: `ver_${randomBytes(8).toString('hex')}`,
        callback: intent.callback,
        topic: intent.topic,
        mode: intent.mode,
        outcome: result.outcome,
        detail: result.detail,
        at: now,
      })
      .run();
    ctx.sqlite
      .prepare(
        'DELETE FROM verifications WHERE id NOT IN (SELECT id FROM verifications ORDER BY at DESC, id DESC LIMIT ?)',
      )
      .run(KEEP_VERIFICATIONS);
    return null;
  };
}

/** Puts the lease sweep at the next expiry (call inside a transaction that changed leases). */
export function scheduleSweep(ctx: HubContext): void {
  const next = ctx.db
    .select({ at: min(subscriptions.expiresAt) })
    .from(subscriptions)
    .get()?.at;
  if (next != null) ctx.jobs.schedule({ kind: SWEEP_JOB, subjectId: 'leases', runAt: next });
}

/** The job step: deletes expired subscriptions, then waits for the next expiry. */
export function sweepLeases(ctx: HubContext) {
  return (now: number) => {
    ctx.db.delete(subscriptions).where(lte(subscriptions.expiresAt, now)).run();
    forget(ctx);
    return (
      ctx.db
        .select({ at: min(subscriptions.expiresAt) })
        .from(subscriptions)
        .get()?.at ?? null
    );
  };
}

/** Whether a topic has any active subscriber (a cheap check before fetching it). */
export function hasSubscribers(ctx: HubContext, topic: string, now: number): boolean {
  return (
    ctx.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.topic, topic), gt(subscriptions.expiresAt, now)))
      .limit(1)
      .get() !== undefined
  );
}

/** What a distribution needs of a subscription. */
export type Recipient = Pick<Subscription, 'id' | 'callback' | 'secret' | 'algorithm'>;

// A raw prepared statement: a publish reads every subscriber of its topic, and the query builder cost
// more per row than the read itself.
const recipientQueries = new WeakMap<HubContext, (topic: string, now: number) => Recipient[]>();

/** Active (unexpired) subscriptions of a topic, in a stable order. */
export function activeSubscriptions(ctx: HubContext, topic: string, now: number): Recipient[] {
  let query = recipientQueries.get(ctx);
  if (!query) {
    const stmt = ctx.sqlite.prepare<[string, number], Recipient>(
      `SELECT id, callback, secret, algorithm FROM subscriptions
        WHERE topic = ? AND expires_at > ? ORDER BY id`,
    );
    query = (t, n) => stmt.all(t, n);
    recipientQueries.set(ctx, query);
  }
  return query(topic, now);
}

// The dispatcher asks for a subscription on every attempt; the hub is the only writer of the table, so
// rows are cached per context and the cache is dropped whenever it changes a subscription.
const cache = new WeakMap<HubContext, Map<string, Subscription | undefined>>();
const cacheOf = (ctx: HubContext) => {
  let c = cache.get(ctx);
  if (!c) {
    c = new Map();
    cache.set(ctx, c);
  }
  return c;
};
function forget(ctx: HubContext): void {
  cache.get(ctx)?.clear();
}

/** A subscription by id while its lease runs, else null (the dispatcher then cancels its messages). */
export function liveSubscription(ctx: HubContext, id: string): Subscription | null {
  const c = cacheOf(ctx);
  let sub = c.get(id);
  if (sub === undefined && !c.has(id)) {
    sub = ctx.db.select().from(subscriptions).where(eq(subscriptions.id, id)).get();
    if (c.size > 100_000) c.clear();
    c.set(id, sub);
  }
  return sub && sub.expiresAt > ctx.clock.now() ? sub : null;
}

/** A 410 Gone from the callback: the subscription ends (WebSub §8). */
export function removeGone(ctx: HubContext, id: string): void {
  ctx.db.delete(subscriptions).where(eq(subscriptions.id, id)).run();
  forget(ctx);
}
