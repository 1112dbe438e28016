import { ApiError, errors } from '@hooklab/service';
import type Stripe from 'stripe';
import type { ShopServices } from '../shop.ts';
import type { OrderView } from './orders.ts';

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

function assertPayable(order: OrderView): void {
  if (order.status !== 'pending_payment' && order.status !== 'payment_failed') {
    throw errors.conflict(`Order ${order.id} is ${order.status}; nothing to pay`, 'order_not_payable');
  }
}

/** Creates a Checkout Session for the order through the official SDK (or reuses its open one). */
export async function startCheckout(
  s: ShopServices,
  order: OrderView,
): Promise<{ checkout_url: string; session_id: string }> {
  assertPayable(order);
  const { stripe, config } = s;
  if (order.payment.checkout_session_id) {
    const existing = await stripe.checkout.sessions
      .retrieve(order.payment.checkout_session_id)
      .catch(() => undefined);
    if (existing?.status === 'open' && existing.url)
      return { checkout_url: existing.url, session_id: existing.id };
  }
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: order.items.map((i) => ({
        quantity: i.quantity,
        price_data: { currency: order.currency, unit_amount: i.unit_amount, product_data: { name: i.name } },
      })),
      success_url: `${config.publicUrl}/orders/${order.id}?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${config.publicUrl}/orders/${order.id}?canceled=1`,
      client_reference_id: order.id,
      customer_email: order.customer.email,
      metadata: { order_id: order.id },
      payment_intent_data: { metadata: { order_id: order.id } },
    });
  } catch (err) {
    throw paymentError(err);
  }
  if (!session.url) throw paymentError(new Error('the Checkout Session has no url'));
  const pi = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
  s.orders.attachPayment(order.id, { checkoutSessionId: session.id, ...(pi ? { paymentIntentId: pi } : {}) });
  s.confirmations.ensure(order.id, order.confirmation, pi);
  if (order.confirmation === 'polling')
    s.poller.start(order.id, { paymentIntentId: pi, checkoutSessionId: session.id });
  return { checkout_url: session.url, session_id: session.id };
}

/** Creates (or returns) a PaymentIntent for the order, for clients that confirm it themselves (S02). */
export async function startPaymentIntent(
  s: ShopServices,
  order: OrderView,
): Promise<{ payment_intent_id: string; client_secret: string | null; status: string }> {
  assertPayable(order);
  let pi: Stripe.PaymentIntent;
  try {
    pi = order.payment.payment_intent_id
      ? await s.stripe.paymentIntents.retrieve(order.payment.payment_intent_id)
      : await s.stripe.paymentIntents.create({
          amount: order.amount_total,
          currency: order.currency,
          metadata: { order_id: order.id },
        });
  } catch (err) {
    throw paymentError(err);
  }
  s.orders.attachPayment(order.id, { paymentIntentId: pi.id });
  s.confirmations.ensure(order.id, order.confirmation, pi.id);
  if (order.confirmation === 'polling') s.poller.start(order.id, { paymentIntentId: pi.id }, pi.status);
  return { payment_intent_id: pi.id, client_secret: pi.client_secret, status: pi.status };
}
