import {
  type EndpointSlot,
  ensureStripeWebhookEndpoint,
  type HeldEndpoint,
  heldEndpoint,
  type Logger,
  type RegisteredEndpoint,
  registerInBackground as registerWithRetries,
} from '@hooklab/service';
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

/** The settings row that keeps the endpoint and its secret between starts. */
function slotOf(db: ShopDb): EndpointSlot {
  return {
    read: () => db.select().from(settings).where(eq(settings.key, KEY)).get()?.value,
    write: (value) =>
      db
        .insert(settings)
        .values({ key: KEY, value })
        .onConflictDoUpdate({ target: settings.key, set: { value } })
        .run(),
  };
}

export function storedEndpoint(db: ShopDb): HeldEndpoint | undefined {
  return heldEndpoint(slotOf(db));
}

/**
 * Makes sure payments has exactly one endpoint for `url` whose secret we hold (S03), with our events; the
 * kit's ensureStripeWebhookEndpoint does the work.
 */
export function ensureWebhookEndpoint(opts: {
  stripe: Stripe;
  db: ShopDb;
  url: string;
  logger?: Logger;
}): Promise<RegisteredEndpoint> {
  return ensureStripeWebhookEndpoint({
    endpoints: opts.stripe.webhookEndpoints,
    url: opts.url,
    events: STRIPE_EVENTS,
    description: 'Atelier order payments',
    slot: slotOf(opts.db),
    logger: opts.logger,
  });
}

/**
 * Registers in the background, retrying with capped exponential backoff while payments is unreachable, so
 * start-up never waits on another service. Returns a stop function.
 */
export function registerInBackground(opts: {
  attempt: () => Promise<RegisteredEndpoint>;
  onRegistered: (r: RegisteredEndpoint) => void;
  logger?: Logger;
  initialDelayMs?: number;
  maxDelayMs?: number;
}): { stop(): void; done: Promise<boolean> } {
  return registerWithRetries({ what: 'the Stripe webhook endpoint with payments', ...opts });
}
