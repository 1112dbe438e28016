import type { SqliteClient } from '@hooklab/db';
import type { ExchangeRecorder, FetchLike, Logger } from '@hooklab/service';
import type Stripe from 'stripe';
import type { ShopConfig } from './config.ts';
import type { ShopDb } from './db/index.ts';
import { seedCatalog } from './domain/catalog.ts';
import { createSingleFlight } from './domain/checkout.ts';
import { createConfirmations } from './domain/confirmations.ts';
import { OrderBus } from './domain/order-bus.ts';
import { createOrders, type OrderOutbox } from './domain/orders.ts';
import { createRefunds } from './domain/refunds.ts';
import { lapsedHolds, releaseHold } from './domain/stock.ts';
import { createPoller } from './payments/poller.ts';

/** Everything `createApp` needs; tests pass their own clock, fetch, Stripe client and outbox. */
export interface ShopDeps {
  db: ShopDb;
  sqlite: SqliteClient;
  config: ShopConfig;
  stripe: Stripe;
  outbox: OrderOutbox;
  /** The Stripe endpoint secrets currently valid (from env, or from registration); empty until known. */
  stripeWebhookSecrets: () => string[];
  recorder?: ExchangeRecorder;
  logger?: Logger;
  now?: () => number;
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

/** Builds the shop's services (orders, confirmations, poller, SSE bus) over one database. */
export function createShopServices(deps: ShopDeps) {
  const now = deps.now ?? Date.now;
  seedCatalog(deps.db, deps.config.SHOP_CURRENCY);
  const bus = new OrderBus();
  const orders = createOrders({
    db: deps.db,
    sqlite: deps.sqlite,
    bus,
    now,
    outbox: deps.outbox,
    urls: () => ({
      publicUrl: deps.config.publicUrl,
      logisticsUrl: deps.config.logisticsUrl,
      callbackUrl: `${deps.config.shopUrl}/webhooks/logistics`,
    }),
    logistics: {
      merchantId: deps.config.LOGISTICS_MERCHANT_ID,
      inboundSecret: deps.config.LOGISTICS_INBOUND_SECRET,
    },
  });
  const confirmations = createConfirmations(deps.db, now);
  const poller = createPoller({
    stripe: deps.stripe,
    orders,
    confirmations,
    intervalMs: deps.config.SHOP_POLL_INTERVAL_MS,
    timeoutMs: deps.config.SHOP_POLL_TIMEOUT_MS,
    logger: deps.logger,
  });
  const refunds = createRefunds({
    db: deps.db,
    orders,
    stripe: deps.stripe,
    logger: deps.logger,
    pollIntervalMs: deps.config.SHOP_POLL_INTERVAL_MS,
    pollTimeoutMs: deps.config.SHOP_POLL_TIMEOUT_MS,
    initialDelayMs: deps.refundRetryMs,
  });
  /** Frees the dresses of checkouts that ended without a payment (the safety net behind the webhook). */
  const releaseLapsedHolds = (): number => {
    let released = 0;
    for (const id of lapsedHolds(deps.db, now()))
      orders.inTransaction(() => {
        if (!releaseHold(deps.db, id)) return;
        released += 1;
        orders.note(id, 'stock.released', { source: 'shop', detail: { why: 'checkout_ended' } });
      });
    return released;
  };
  return {
    ...deps,
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

export type ShopServices = ReturnType<typeof createShopServices>;
