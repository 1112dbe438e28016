// Start-up registration with each provider: idempotent (an endpoint we already hold is kept), in the
// background once the server listens, retried while a provider is down (the kit's registerInBackground).
import {
  type EndpointSlot,
  ensureEndpoint,
  ensureStripeWebhookEndpoint,
  type HeldEndpoint,
  heldEndpoint,
  type Logger,
  type RegisteredEndpoint,
} from '@hooklab/service';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { NotifierDb } from '../db/index.ts';
import { settings } from '../db/schema.ts';
import type { ShopClient } from './shop.ts';

export type Registered = RegisteredEndpoint;

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

/** The settings row under `key` that keeps an endpoint and its secret between starts. */
function slotOf(db: NotifierDb, key: string): EndpointSlot {
  return {
    read: () => db.select().from(settings).where(eq(settings.key, key)).get()?.value,
    write: (value) =>
      db
        .insert(settings)
        .values({ key, value })
        .onConflictDoUpdate({ target: settings.key, set: { value } })
        .run(),
  };
}

export function stored(db: NotifierDb, key: string): HeldEndpoint | undefined {
  return heldEndpoint(slotOf(db, key));
}

export const STRIPE_KEY = 'stripe_webhook_endpoint';
export const SHOP_KEY = 'shop_webhook_endpoint';

export function ensureStripeEndpoint(opts: {
  stripe: Stripe;
  db: NotifierDb;
  url: string;
  logger?: Logger | undefined;
}) {
  return ensureStripeWebhookEndpoint({
    endpoints: opts.stripe.webhookEndpoints,
    url: opts.url,
    events: STRIPE_EVENTS,
    description: 'Hooklab notifier (Slack)',
    slot: slotOf(opts.db, STRIPE_KEY),
    logger: opts.logger,
  });
}

export function ensureShopEndpoint(opts: {
  shop: ShopClient;
  db: NotifierDb;
  url: string;
  logger?: Logger | undefined;
}) {
  const { shop } = opts;
  return ensureEndpoint({
    url: opts.url,
    slot: slotOf(opts.db, SHOP_KEY),
    provider: 'the shop',
    logger: opts.logger,
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

export { registerInBackground } from '@hooklab/service';
