import { ApiError, errors } from '@hooklab/service';
import type Stripe from 'stripe';
import type { ShopContext } from '../context.ts';
import { isPayable } from './order-status.ts';
import type { OrderView } from './orders.ts';
import { holdStock, releaseHold } from './stock.ts';

/** Stripe refuses a Checkout Session `expires_at` less than 30 minutes away. */
const STRIPE_MIN_EXPIRY_MS = 30 * 60_000;
/** Stripe measures those 30 minutes on its own clock, a moment after ours. */
const EXPIRY_SLACK_MS = 60_000;

/** Runs one task per key at a time: a second caller for the same key gets the first caller's result. */
export function createSingleFlight() {
  const running = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const current = running.get(key);
      if (current) return current as Promise<T>;
      const p = task().finally(() => running.delete(key));
      running.set(key, p);
      return p;
    },
  };
}

export type SingleFlight = ReturnType<typeof createSingleFlight>;

function paymentError(err: unknown): ApiError {
  const e = err as { type?: string; message?: string; statusCode?: number };
  const unreachable = e?.type === 'StripeConnectionError';
  return new ApiError({
    status: unreachable ? 503 : 502,
    code: unreachable ? 'payments_unavailable' : 'payments_error',
    message: unreachable
      ? 'The payment provider cannot be reached; try again shortly'
      : `The payment provider refused the request: ${e?.message ?? 'unknown error'}`,
    cause: err,
  });
}

const isMissing = (err: unknown) => {
  const e = err as { type?: string; statusCode?: number; code?: string };
  return e?.type === 'StripeInvalidRequestError' && (e.statusCode === 404 || e.code === 'resource_missing');
};

/** The request may have been carried out (no answer, or the provider failed): keep what it relies on. */
const inDoubt = (err: unknown) => {
  const type = (err as { type?: string })?.type;
  return type === 'StripeConnectionError' || type === 'StripeAPIError' || type === 'StripeRateLimitError';
};

function assertPayable(order: OrderView): void {
  if (order.payment.processing)
    throw errors.conflict(
      `Order ${order.id} has a payment on its way (a bank debit); nothing to pay meanwhile`,
      'payment_in_progress',
    );
  if (!isPayable(order)) {
    throw errors.conflict(`Order ${order.id} is ${order.status}; nothing to pay`, 'order_not_payable');
  }
}

const intentIdOf = (s: Stripe.Checkout.Session) =>
  typeof s.payment_intent === 'string' ? s.payment_intent : s.payment_intent?.id;

/**
 * Creates a Checkout Session for the order through the official SDK, or returns its open one: one open
 * session per order. Concurrent calls share one flight; the Stripe call's idempotency key is derived from
 * the order and its hold, so a retry after a lost answer gets the same session back rather than a second.
 */
export function startCheckout(
  s: ShopContext,
  order: OrderView,
): Promise<{ checkout_url: string; session_id: string }> {
  return s.flights.run(`checkout:${order.id}`, () => checkoutOnce(s, order.id));
}

async function checkoutOnce(
  s: ShopContext,
  orderId: string,
): Promise<{ checkout_url: string; session_id: string }> {
  const { stripe, config } = s;
  const order = s.orders.get(orderId);
  if (!order) throw errors.notFound(`Order ${orderId}`);
  assertPayable(order);
  let usedEndMs: number | undefined;
  if (order.payment.checkout_session_id) {
    let existing: Stripe.Checkout.Session | undefined;
    try {
      existing = await stripe.checkout.sessions.retrieve(order.payment.checkout_session_id);
    } catch (err) {
      // Not knowing whether it is still open is no reason to open a second one.
      if (!isMissing(err)) throw paymentError(err);
    }
    if (existing?.status === 'open' && existing.url)
      return { checkout_url: existing.url, session_id: existing.id };
    if (existing?.status === 'complete' && order.status !== 'payment_failed')
      throw errors.conflict(`Order ${order.id} was paid on its Checkout Session`, 'payment_in_progress');
    usedEndMs = existing?.expires_at ? existing.expires_at * 1000 : undefined;
  } else if (order.payment.payment_intent_id) {
    // A PaymentIntent made for this order outside Checkout (S02) can still be paid: a session would be a second way.
    let pi: Stripe.PaymentIntent;
    try {
      pi = await stripe.paymentIntents.retrieve(order.payment.payment_intent_id);
    } catch (err) {
      throw paymentError(err);
    }
    if (pi.status !== 'canceled')
      throw errors.conflict(
        `Order ${order.id} is being paid with PaymentIntent ${pi.id}; confirm that one`,
        'payment_in_progress',
      );
  }

  // The hold and the session end together. A retry of a creation that got no answer keeps the same end (same
  // parameters, same key); a new session after one that ended gets a new end, so a new key.
  const now = s.now();
  const row = s.orders.row(orderId)!;
  const reusable =
    row.stockState === 'held' &&
    row.stockHeldUntil != null &&
    row.stockHeldUntil >= now + STRIPE_MIN_EXPIRY_MS + EXPIRY_SLACK_MS / 2 &&
    !order.payment.checkout_session_id;
  const holdMs = config.SHOP_CHECKOUT_HOLD_MINUTES * 60_000 + EXPIRY_SLACK_MS;
  const endMs = reusable
    ? row.stockHeldUntil!
    : Math.max(Math.floor((now + holdMs) / 1000) * 1000, (usedEndMs ?? 0) + 1000);
  s.orders.inTransaction(() => holdStock(s.db, orderId, endMs));
  const expiresAt = endMs / 1000;

  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: order.items.map((i) => ({
          quantity: i.quantity,
          price_data: {
            currency: order.currency,
            unit_amount: i.unit_amount,
            product_data: { name: i.name },
          },
        })),
        success_url: `${config.publicUrl}/orders/${order.id}?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${config.publicUrl}/orders/${order.id}?canceled=1`,
        client_reference_id: order.id,
        customer_email: order.customer.email,
        expires_at: expiresAt,
        metadata: { order_id: order.id },
        payment_intent_data: { metadata: { order_id: order.id } },
      },
      { idempotencyKey: `atelier-checkout-${order.id}-${expiresAt}` },
    );
  } catch (err) {
    // A refusal made nothing: the dresses go back. In doubt, the hold stays until its end (the sweep frees it).
    if (!inDoubt(err)) s.orders.inTransaction(() => releaseHold(s.db, orderId));
    throw paymentError(err);
  }
  if (!session.url) throw paymentError(new Error('the Checkout Session has no url'));
  const pi = intentIdOf(session);
  s.orders.attachPayment(order.id, { checkoutSessionId: session.id, ...(pi ? { paymentIntentId: pi } : {}) });
  s.confirmations.ensure(order.id, order.confirmation, pi);
  if (order.confirmation === 'polling')
    s.poller.start(order.id, { paymentIntentId: pi, checkoutSessionId: session.id });
  return { checkout_url: session.url, session_id: session.id };
}

/** Creates (or returns) a PaymentIntent for the order, for clients that confirm it themselves (S02). */
export function startPaymentIntent(
  s: ShopContext,
  order: OrderView,
): Promise<{ payment_intent_id: string; client_secret: string | null; status: string }> {
  return s.flights.run(`payment_intent:${order.id}`, () => paymentIntentOnce(s, order.id));
}

async function paymentIntentOnce(
  s: ShopContext,
  orderId: string,
): Promise<{ payment_intent_id: string; client_secret: string | null; status: string }> {
  const order = s.orders.get(orderId);
  if (!order) throw errors.notFound(`Order ${orderId}`);
  assertPayable(order);
  const previous = order.payment.payment_intent_id;
  let pi: Stripe.PaymentIntent | undefined;
  try {
    if (previous) pi = await s.stripe.paymentIntents.retrieve(previous);
  } catch (err) {
    throw paymentError(err);
  }
  if (!pi || pi.status === 'canceled') {
    const now = s.now();
    s.orders.inTransaction(() =>
      holdStock(s.db, orderId, now + s.config.SHOP_CHECKOUT_HOLD_MINUTES * 60_000),
    );
    try {
      pi = await s.stripe.paymentIntents.create(
        { amount: order.amount_total, currency: order.currency, metadata: { order_id: order.id } },
        { idempotencyKey: `atelier-pi-${order.id}-${previous ?? 'first'}` },
      );
    } catch (err) {
      if (!inDoubt(err)) s.orders.inTransaction(() => releaseHold(s.db, orderId));
      throw paymentError(err);
    }
  }
  s.orders.attachPayment(order.id, { paymentIntentId: pi.id });
  s.confirmations.ensure(order.id, order.confirmation, pi.id);
  if (order.confirmation === 'polling') s.poller.start(order.id, { paymentIntentId: pi.id }, pi.status);
  return { payment_intent_id: pi.id, client_secret: pi.client_secret, status: pi.status };
}
