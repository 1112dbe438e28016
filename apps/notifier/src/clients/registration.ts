// Start-up registration with each provider: idempotent (an endpoint we already hold is kept), in the
// background once the server listens, retried while a provider is down.
import { type Logger, sleep } from '@hooklab/service';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { NotifierDb } from '../db/index.ts';
import { settings } from '../db/schema.ts';
import type { ShopClient } from './shop.ts';

export interface Registered {
  id: string;
  url: string;
  secret: string;
  created: boolean;
}

/** The Stripe events the notifier posts to #payments. */
export const STRIPE_EVENTS: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = [
  'checkout.session.completed',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
];

/** The shop's order events the notifier posts to #orders (tracking updates to #shipping). */
export const SHOP_EVENTS = [
  'order.paid',
  'order.fulfilled',
  'order.tracking_updated',
  'order.delivered',
  'order.refunded',
  'order.fulfilment_failed',
];

export function stored(db: NotifierDb, key: string): Omit<Registered, 'created'> | undefined {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as Omit<Registered, 'created'>;
  } catch {
    return undefined;
  }
}

function store(db: NotifierDb, key: string, value: Omit<Registered, 'created'>): void {
  const json = JSON.stringify(value);
  db.insert(settings)
    .values({ key, value: json })
    .onConflictDoUpdate({ target: settings.key, set: { value: json } })
    .run();
}

export const STRIPE_KEY = 'stripe_webhook_endpoint';
export const SHOP_KEY = 'shop_webhook_endpoint';

/**
 * Exactly one endpoint for `url` whose secret we hold: the secret is shown only at creation, so an endpoint
 * for our URL whose secret we lost is deleted and made again.
 */
async function ensureOne<E extends { id: string; url: string }>(opts: {
  db: NotifierDb;
  key: string;
  url: string;
  list: () => Promise<E[]>;
  /** An endpoint we hold that the provider cannot update in place (missing events): made again. */
  outdated?: (e: E) => boolean;
  create: () => Promise<{ id: string; secret?: string | null }>;
  remove: (id: string) => Promise<unknown>;
  refresh?: (id: string) => Promise<unknown>;
  logger?: Logger | undefined;
}): Promise<Registered> {
  const ours = (await opts.list()).filter((e) => e.url === opts.url);
  const kept = stored(opts.db, opts.key);
  const held = kept && kept.url === opts.url ? ours.find((e) => e.id === kept.id) : undefined;
  const keep = held && !opts.outdated?.(held) ? held : undefined;
  for (const e of ours) {
    if (e.id === keep?.id) continue;
    opts.logger?.info(
      { endpoint: e.id, url: opts.url },
      'deleting an endpoint for our URL whose secret we do not hold',
    );
    await opts.remove(e.id);
  }
  if (keep && kept) {
    await opts.refresh?.(keep.id);
    return { ...kept, created: false };
  }
  const made = await opts.create();
  if (!made.secret) throw new Error('the provider returned a webhook endpoint without its secret');
  const value = { id: made.id, url: opts.url, secret: made.secret };
  store(opts.db, opts.key, value);
  return { ...value, created: true };
}

export function ensureStripeEndpoint(opts: {
  stripe: Stripe;
  db: NotifierDb;
  url: string;
  logger?: Logger | undefined;
}) {
  const { stripe } = opts;
  return ensureOne({
    ...opts,
    key: STRIPE_KEY,
    list: () => stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 }),
    create: () =>
      stripe.webhookEndpoints.create({
        url: opts.url,
        enabled_events: STRIPE_EVENTS,
        description: 'Hooklab notifier (Slack)',
      }),
    remove: (id) => stripe.webhookEndpoints.del(id),
    refresh: async (id) => {
      const e = await stripe.webhookEndpoints.retrieve(id);
      const missing = STRIPE_EVENTS.filter(
        (t) => !e.enabled_events.includes(t) && !e.enabled_events.includes('*'),
      );
      if (e.status !== 'enabled' || missing.length)
        await stripe.webhookEndpoints.update(id, { disabled: false, enabled_events: STRIPE_EVENTS });
    },
  });
}

export function ensureShopEndpoint(opts: {
  shop: ShopClient;
  db: NotifierDb;
  url: string;
  logger?: Logger | undefined;
}) {
  const { shop } = opts;
  return ensureOne({
    ...opts,
    key: SHOP_KEY,
    list: () => shop.listEndpoints(),
    create: () =>
      shop.createEndpoint({
        url: opts.url,
        enabled_events: SHOP_EVENTS,
        description: 'Hooklab notifier (Slack)',
      }),
    // The shop has no endpoint update: one from before an event was added is replaced.
    outdated: (e) =>
      !e.enabled_events.includes('*') && SHOP_EVENTS.some((t) => !e.enabled_events.includes(t)),
    remove: (id) => shop.deleteEndpoint(id),
  });
}

/**
 * Runs `attempt` until it succeeds, with capped exponential backoff, never blocking the caller.
 * Returns a stop function and a promise that says whether it got there.
 */
export function registerInBackground<T>(opts: {
  what: string;
  attempt: () => Promise<T>;
  onRegistered: (r: T) => void;
  logger?: Logger | undefined;
  initialDelayMs?: number;
  maxDelayMs?: number;
}): { stop(): void; done: Promise<boolean> } {
  let stopped = false;
  const stopping = new AbortController();
  const done = (async () => {
    let delay = opts.initialDelayMs ?? 250;
    for (let n = 1; !stopped; n++) {
      try {
        const r = await opts.attempt();
        if (stopped) return false;
        opts.onRegistered(r);
        return true;
      } catch (err) {
        if (stopped) return false;
        opts.logger?.warn(
          { attempt: n, retryInMs: delay, err: err instanceof Error ? err.message : String(err) },
          `could not register ${opts.what} yet; retrying`,
        );
        await sleep(delay, stopping.signal).catch(() => undefined);
        delay = Math.min(delay * 2, opts.maxDelayMs ?? 30_000);
      }
    }
    return false;
  })();
  return {
    done,
    stop() {
      stopped = true;
      stopping.abort();
    },
  };
}
