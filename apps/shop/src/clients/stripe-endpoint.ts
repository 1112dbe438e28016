import { type Logger, sleep } from '@hooklab/service';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { ShopDb } from '../db/index.ts';
import { settings } from '../db/schema.ts';

export const STRIPE_EVENTS: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.processing',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  // Stock held for a PaymentIntent (S02 path) is freed when it is canceled.
  'payment_intent.canceled',
  // A refund (an order that cannot ship) moves the order to refunded.
  'charge.refunded',
];

const KEY = 'stripe_webhook_endpoint';

interface StoredEndpoint {
  id: string;
  url: string;
  secret: string;
}

export function storedEndpoint(db: ShopDb): StoredEndpoint | undefined {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as StoredEndpoint;
  } catch {
    return undefined;
  }
}

function store(db: ShopDb, value: StoredEndpoint): void {
  db.insert(settings)
    .values({ key: KEY, value: JSON.stringify(value) })
    .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value) } })
    .run();
}

/**
 * Makes sure payments has exactly one endpoint for `url` whose secret we hold (S03). The secret is only
 * returned at creation, so an endpoint for our URL whose secret we lost is deleted and made again.
 */
export async function ensureWebhookEndpoint(opts: {
  stripe: Stripe;
  db: ShopDb;
  url: string;
  logger?: Logger;
}): Promise<{ id: string; secret: string; created: boolean }> {
  const { stripe, db, url } = opts;
  const existing = await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  const ours = existing.filter((e) => e.url === url);
  const stored = storedEndpoint(db);
  const keep = stored && stored.url === url ? ours.find((e) => e.id === stored.id) : undefined;
  for (const e of ours) {
    if (e.id === keep?.id) continue;
    opts.logger?.info(
      { endpoint: e.id, url },
      'deleting a webhook endpoint for our URL whose secret we do not hold',
    );
    await stripe.webhookEndpoints.del(e.id);
  }
  if (keep && stored) {
    const missing = STRIPE_EVENTS.filter(
      (t) => !keep.enabled_events.includes(t) && !keep.enabled_events.includes('*'),
    );
    if (keep.status !== 'enabled' || missing.length) {
      await stripe.webhookEndpoints.update(keep.id, { disabled: false, enabled_events: STRIPE_EVENTS });
    }
    return { id: keep.id, secret: stored.secret, created: false };
  }
  const created = await stripe.webhookEndpoints.create({
    url,
    enabled_events: STRIPE_EVENTS,
    description: 'Atelier order payments',
  });
  if (!created.secret) throw new Error('payments returned a webhook endpoint without its secret');
  store(db, { id: created.id, url, secret: created.secret });
  return { id: created.id, secret: created.secret, created: true };
}

/**
 * Registers in the background, retrying with capped exponential backoff while payments is unreachable, so
 * start-up never waits on another service. Returns a stop function.
 */
export function registerInBackground(opts: {
  attempt: () => Promise<{ id: string; secret: string; created: boolean }>;
  onRegistered: (r: { id: string; secret: string; created: boolean }) => void;
  logger?: Logger;
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
          'could not register the Stripe webhook endpoint with payments yet; retrying',
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
