import type { SqliteClient } from '@hooklab/db';
import type { ExchangeRecorder, FetchLike, Logger } from '@hooklab/service';
import { type Clock, systemClock } from '@hooklab/webhooks';
import type Stripe from 'stripe';
import { createPoller, type Poller } from './clients/stripe-poller.ts';
import type { ShopConfig } from './config.ts';
import type { ShopDb } from './db/index.ts';
import { seedCatalog } from './db/seed.ts';
import { createSingleFlight, type SingleFlight } from './domain/checkout.ts';
import { type Confirmations, createConfirmations } from './domain/confirmations.ts';
import { OrderBus } from './domain/order-bus.ts';
import { createOrders, type Orders } from './domain/orders.ts';
import { createRefunds, type Refunds } from './domain/refunds.ts';
import { lapsedHolds, releaseHold } from './domain/stock.ts';
import { enqueueCustomerEmail } from './webhooks/out/customer-emails.ts';
import type { OrderOutbox } from './webhooks/out/order-created.ts';
import { enqueueOrderEvents } from './webhooks/out/order-events.ts';

/** What `createShopContext` is given: main.ts passes the real things, tests their own clock, fetch, Stripe, outbox. */
export interface ShopContextInput {
  config: ShopConfig;
  db: ShopDb;
  sqlite: SqliteClient;
  stripe: Stripe;
  outbox: OrderOutbox;
  /** The Stripe endpoint secrets currently valid (from env, or from registration); empty until known. */
  stripeWebhookSecrets: () => string[];
  clock?: Clock;
  recorder?: ExchangeRecorder;
  logger?: Logger;
  /** Used for manifest downloads. */
  fetch?: FetchLike;
  /** How the Stripe endpoint stands (for `GET /api/status`): scenarios wait until it is ready. */
  stripeWebhookStatus?: () => {
    ready: boolean;
    mode: 'registered' | 'fixed_secret' | 'pending' | 'disabled';
    endpointId?: string;
  };
  /** Called after a manifest.ready is stored; main.ts downloads it in the background. */
  onManifest?: (manifestId: string) => void;
  /** Refund retries while payments is down: first delay (doubling to 30 s). */
  refundRetryMs?: number;
}

/** The shop's one deps container: what it was given, and the services built over them. */
export interface ShopContext extends ShopContextInput {
  clock: Clock;
  now: () => number;
  bus: OrderBus;
  orders: Orders;
  confirmations: Confirmations;
  poller: Poller;
  refunds: Refunds;
  /** Frees the dresses of checkouts that ended without a payment (the safety net behind the webhook). */
  releaseLapsedHolds: () => number;
  flights: SingleFlight;
}

export function createShopContext(input: ShopContextInput): ShopContext {
  const clock = input.clock ?? systemClock;
  const now = () => clock.now();
  const { db, config, logger } = input;
  seedCatalog(db, config.SHOP_CURRENCY);
  const bus = new OrderBus();
  const orders = createOrders({
    db,
    sqlite: input.sqlite,
    bus,
    now,
    outbox: input.outbox,
    urls: () => ({
      publicUrl: config.publicUrl,
      logisticsUrl: config.logisticsUrl,
      callbackUrl: `${config.shopUrl}/webhooks/logistics`,
    }),
    logistics: { merchantId: config.LOGISTICS_MERCHANT_ID, inboundSecret: config.LOGISTICS_INBOUND_SECRET },
    onStatusChange: (order, to, at) => {
      enqueueOrderEvents(input.outbox, input.sqlite, db, order, to, at);
      if (config.SHOP_CUSTOMER_EMAILS) enqueueCustomerEmail(input.outbox, input.sqlite, order, to, at);
    },
  });
  const confirmations = createConfirmations(db, now);
  const poller = createPoller({
    stripe: input.stripe,
    orders,
    confirmations,
    intervalMs: config.SHOP_POLL_INTERVAL_MS,
    timeoutMs: config.SHOP_POLL_TIMEOUT_MS,
    logger,
    dev: config.HOOKLAB_DEV,
  });
  const refunds = createRefunds({
    db,
    orders,
    stripe: input.stripe,
    logger,
    pollIntervalMs: config.SHOP_POLL_INTERVAL_MS,
    pollTimeoutMs: config.SHOP_POLL_TIMEOUT_MS,
    initialDelayMs: input.refundRetryMs,
  });
  const releaseLapsedHolds = (): number => {
    let released = 0;
    for (const id of lapsedHolds(db, now()))
      orders.inTransaction(() => {
        if (!releaseHold(db, id)) return;
        released += 1;
        orders.note(id, 'stock.released', { source: 'shop', detail: { why: 'checkout_ended' } });
      });
    return released;
  };
  return {
    ...input,
    clock,
    now,
    bus,
    orders,
    confirmations,
    poller,
    refunds,
    releaseLapsedHolds,
    flights: createSingleFlight(),
  };
}
