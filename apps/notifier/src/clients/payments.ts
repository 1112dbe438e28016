import type { FetchLike } from '@hooklab/service';
import Stripe from 'stripe';

/**
 * The official SDK pointed at payments (or `https://api.stripe.com` for real test mode).
 * WIRE.md: `host` is a bare hostname; there is no baseUrl option.
 */
export function createStripeClient(opts: {
  secretKey: string;
  paymentsUrl: string;
  fetch?: FetchLike;
}): Stripe {
  const url = new URL(opts.paymentsUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return new Stripe(opts.secretKey, {
    host: url.hostname,
    port,
    protocol,
    telemetry: false,
    maxNetworkRetries: 1,
    ...(opts.fetch ? { httpClient: Stripe.createFetchHttpClient(opts.fetch as typeof fetch) } : {}),
  });
}

/** Refunds the whole payment of an order, once: the order id makes the idempotency key. */
export async function refundOrder(
  stripe: Stripe,
  order: { id: string; paymentIntentId: string },
  requestedBy: string,
): Promise<Stripe.Refund> {
  return stripe.refunds.create(
    {
      payment_intent: order.paymentIntentId,
      reason: 'requested_by_customer',
      metadata: { order_id: order.id, requested_by: requestedBy, via: 'notifier' },
    },
    { idempotencyKey: `notifier-refund-${order.id}` },
  );
}

export { Stripe };
