import type { Logger } from '@hooklab/service';
import type Stripe from 'stripe';
import type { ShopDb } from '../db/index.ts';
import { inbox } from '../db/schema.ts';
import { type Confirmations, preciseNow } from '../domain/confirmations.ts';
import type { OrderSignal } from '../domain/order-status.ts';
import type { OrderPatch, Orders } from '../domain/orders.ts';
import { releaseHold } from '../domain/stock.ts';

export interface StripeEventOutcome {
  duplicate: boolean;
  orderId?: string;
  action: string;
}

interface Deps {
  db: ShopDb;
  orders: Orders;
  confirmations: Confirmations;
  logger?: Logger;
}

type Decision = {
  orderId?: string;
  signal?: OrderSignal;
  patch: OrderPatch;
  note?: string;
  /** The checkout or PaymentIntent ended unpaid: free the order's dresses if it is the order's current one. */
  release?: { sessionId?: string; paymentIntentId?: string };
};

function orderIdOf(meta: Stripe.Metadata | null | undefined, fallback?: string | null): string | undefined {
  return meta?.order_id || fallback || undefined;
}

function decide(event: Stripe.Event, orders: Orders): Decision {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const s = event.data.object;
      const pi =
        typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? undefined);
      const patch: OrderPatch = { checkoutSessionId: s.id, ...(pi ? { paymentIntentId: pi } : {}) };
      const orderId = orderIdOf(s.metadata, s.client_reference_id);
      if (event.type === 'checkout.session.async_payment_failed')
        return {
          orderId,
          signal: 'payment_failed',
          patch: { ...patch, failureReason: 'async payment failed' },
        };
      // An expired session may be an older one than the order's current session: it changes nothing else.
      if (event.type === 'checkout.session.expired')
        return { orderId, patch: {}, note: 'checkout.expired', release: { sessionId: s.id } };
      // A completed session with a delayed method (bank debit) is not paid yet: async_payment_succeeded follows.
      const paid = s.payment_status === 'paid' || s.payment_status === 'no_payment_required';
      return paid
        ? { orderId, signal: 'payment_succeeded', patch }
        : { orderId, patch: { ...patch, paymentProcessing: true }, note: 'checkout.completed_unpaid' };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.processing':
    case 'payment_intent.canceled': {
      const pi = event.data.object;
      const orderId = orderIdOf(pi.metadata) ?? orders.findByPaymentIntent(pi.id)?.id;
      const patch: OrderPatch = { paymentIntentId: pi.id };
      if (event.type === 'payment_intent.succeeded') return { orderId, signal: 'payment_succeeded', patch };
      if (event.type === 'payment_intent.processing')
        return { orderId, patch: { ...patch, paymentProcessing: true }, note: 'payment.processing' };
      if (event.type === 'payment_intent.canceled')
        return { orderId, patch: {}, note: 'payment.canceled', release: { paymentIntentId: pi.id } };
      const err = pi.last_payment_error;
      const reason = err
        ? [err.decline_code ?? err.code, err.message].filter(Boolean).join(': ')
        : 'payment failed';
      return { orderId, signal: 'payment_failed', patch: { ...patch, failureReason: reason } };
    }
    case 'charge.refunded': {
      const ch = event.data.object;
      const pi = typeof ch.payment_intent === 'string' ? ch.payment_intent : ch.payment_intent?.id;
      const orderId = orderIdOf(ch.metadata) ?? (pi ? orders.findByPaymentIntent(pi)?.id : undefined);
      const patch: OrderPatch = { amountRefundedCents: ch.amount_refunded };
      // Only a refund of the whole charge ends the order; a partial one is a fact on its page.
      return ch.refunded
        ? { orderId, signal: 'refunded', patch }
        : { orderId, patch, note: 'refund.partial' };
    }
    default:
      return { patch: {} };
  }
}

/**
 * Applies one verified Stripe event exactly once: the inbox row, the order change and (on paid) the
 * logistics outbox message commit together, so a redelivery finds the inbox row and does nothing.
 */
export function handleStripeEvent(deps: Deps, event: Stripe.Event, receivedAt: number): StripeEventOutcome {
  const { orders, confirmations } = deps;
  let moved = false;
  const outcome = orders.inTransaction((): StripeEventOutcome => {
    const fresh = deps.db
      .insert(inbox)
      .values({ source: 'stripe', messageId: event.id, type: event.type, receivedAt: Math.round(receivedAt) })
      .onConflictDoNothing()
      .run();
    const d = decide(event, orders);
    const order = d.orderId ? orders.get(d.orderId) : undefined;
    if (order && order.confirmation === 'webhook') confirmations.delivery(order.id, 'webhook');
    if (fresh.changes === 0) return { duplicate: true, orderId: order?.id, action: 'duplicate' };
    if (!order) return { duplicate: false, action: d.orderId ? 'unknown_order' : 'not_for_an_order' };
    // Per-order switch (S02): an order confirmed by polling learns nothing from webhooks, or the counts would mix.
    if (order.confirmation === 'polling')
      return { duplicate: false, orderId: order.id, action: 'ignored_polling_order' };
    if (d.signal) {
      const r = orders.signal(order.id, d.signal, {
        source: `stripe:${event.id}`,
        patch: d.patch,
        detail: { event: event.type },
      });
      moved = r.transition?.kind === 'move';
      return {
        duplicate: false,
        orderId: order.id,
        action:
          r.transition?.kind === 'move' ? `moved_to_${r.transition.to}` : (r.transition?.kind ?? 'none'),
      };
    }
    if (d.release) {
      const current = d.release.sessionId
        ? order.payment.checkout_session_id === d.release.sessionId
        : order.payment.payment_intent_id === d.release.paymentIntentId;
      // A session or PaymentIntent the order has since replaced ended: nothing of this order's to free.
      if (!current) return { duplicate: false, orderId: order.id, action: 'stale' };
      const released = releaseHold(deps.db, order.id);
      orders.note(order.id, d.note ?? 'stock.released', {
        source: `stripe:${event.id}`,
        detail: { released },
      });
      return { duplicate: false, orderId: order.id, action: released ? 'stock_released' : 'noted' };
    }
    if (d.note) orders.note(order.id, d.note, { source: `stripe:${event.id}`, patch: d.patch });
    else orders.attachPayment(order.id, d.patch);
    return { duplicate: false, orderId: order.id, action: d.note ?? 'attached' };
  });
  if (moved && outcome.orderId) {
    const order = orders.get(outcome.orderId);
    if (order?.status === 'paid') {
      // event.created is whole seconds: the change lies in [created, created + 1 s), and before we received it.
      const after = event.created * 1000;
      confirmations.known(outcome.orderId, {
        knownAt: preciseNow(),
        finalStatus: 'paid',
        change: {
          after,
          before: Math.max(after, Math.min(after + 1000, receivedAt)),
          source: 'event.created (s)',
        },
      });
    }
  }
  deps.logger?.debug({ event: event.id, type: event.type, ...outcome }, 'stripe event');
  return outcome;
}
