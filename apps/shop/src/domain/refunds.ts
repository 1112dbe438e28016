import { type Logger, sleep } from '@hooklab/service';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { ShopDb } from '../db/index.ts';
import { orders } from '../db/schema.ts';
import { isOrderStatus, isPaid } from './order-status.ts';
import type { Orders } from './orders.ts';

export interface RefundsDeps {
  db: ShopDb;
  orders: Orders;
  stripe: Stripe;
  logger?: Logger;
  /** Polling orders learn the refund's outcome by asking (they take no webhooks), at this interval. */
  pollIntervalMs: number;
  pollTimeoutMs: number;
  /** While payments is unreachable: first retry after this long, doubling up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

// Worth trying again with the same idempotency key: no answer, the provider failed, or it was busy with it.
const retryable = (err: unknown) => {
  const e = err as { type?: string; statusCode?: number };
  return (
    e?.type === 'StripeConnectionError' ||
    e?.type === 'StripeAPIError' ||
    e?.type === 'StripeRateLimitError' ||
    (e?.type === 'StripeIdempotencyError' && e.statusCode === 409)
  );
};

/**
 * Refunds orders that cannot ship, through the official SDK. The request is recorded as `pending` in the
 * transaction that fails the order, then sent after it commits, retried while payments is down (one
 * idempotency key per order, so never twice), and resumed after a restart.
 */
export function createRefunds(deps: RefundsDeps) {
  const { db, logger } = deps;
  const running = new Map<string, Promise<void>>();
  const stopping = new AbortController();
  let stopped = false;
  // A wait that stop() cuts short; the loops look at `stopped` after it.
  const pause = (ms: number) => sleep(ms, stopping.signal).catch(() => undefined);

  function setRefund(orderId: string, set: Partial<typeof orders.$inferInsert>): void {
    db.update(orders).set(set).where(eq(orders.id, orderId)).run();
  }

  function fail(orderId: string, error: string): void {
    deps.orders.inTransaction(() => {
      setRefund(orderId, { refundStatus: 'failed', refundError: error });
      deps.orders.note(orderId, 'refund.failed', { source: 'shop', detail: { error } });
    });
    logger?.error(
      { order: orderId, error },
      'refund refused by payments: the back office must refund by hand',
    );
  }

  async function accepted(orderId: string, refund: Stripe.Refund, confirmation: string): Promise<void> {
    deps.orders.inTransaction(() => {
      setRefund(orderId, { refundStatus: 'requested', refundId: refund.id, refundError: null });
      deps.orders.note(orderId, 'refund.requested', {
        source: `payments:${refund.id}`,
        detail: { refund_id: refund.id, amount: refund.amount, status: refund.status },
      });
    });
    // Webhook orders are told by `charge.refunded`; polling orders ask until the refund has gone through.
    if (confirmation !== 'polling') return;
    let current = refund;
    const deadline = Date.now() + deps.pollTimeoutMs;
    while (current.status === 'pending' && !stopped && Date.now() < deadline) {
      await pause(deps.pollIntervalMs);
      if (stopped) return;
      current = await deps.stripe.refunds.retrieve(refund.id).catch(() => current);
    }
    if (current.status === 'succeeded')
      deps.orders.signal(orderId, 'refunded', {
        source: `poll:${current.id}`,
        patch: { amountRefundedCents: current.amount },
        detail: { refund_id: current.id },
      });
  }

  async function send(orderId: string): Promise<void> {
    let delay = deps.initialDelayMs ?? 250;
    for (let attempt = 1; !stopped; attempt++) {
      const o = deps.orders.row(orderId);
      if (o?.refundStatus !== 'pending') return;
      if (!o.paymentIntentId) return fail(orderId, 'the order has no PaymentIntent to refund');
      let refund: Stripe.Refund;
      try {
        refund = await deps.stripe.refunds.create(
          { payment_intent: o.paymentIntentId, metadata: { order_id: orderId, cause: 'shipment_failed' } },
          { idempotencyKey: `atelier-refund-${orderId}` },
        );
      } catch (err) {
        if (stopped) return;
        const e = err as { code?: string; message?: string };
        if (!retryable(err)) return fail(orderId, e?.message ?? 'refused');
        logger?.warn(
          { order: orderId, attempt, retryInMs: delay, err: e?.message },
          'could not reach payments to refund; retrying',
        );
        await pause(delay);
        delay = Math.min(delay * 2, deps.maxDelayMs ?? 30_000);
        continue;
      }
      if (stopped) return;
      return accepted(orderId, refund, o.confirmation);
    }
  }

  function kick(orderId: string): void {
    if (stopped || running.has(orderId)) return;
    const p = send(orderId)
      .catch((err) => logger?.error({ err, order: orderId }, 'refund job failed'))
      .finally(() => running.delete(orderId));
    running.set(orderId, p);
  }

  return {
    /**
     * Inside the transaction that fails the order: it owes the customer their money back. The refund is
     * sent once that transaction has committed (better-sqlite3 transactions are synchronous).
     */
    requestForUnshippable(orderId: string, reason: string): boolean {
      const o = deps.orders.row(orderId);
      if (!o || o.refundStatus || !isOrderStatus(o.status) || !isPaid(o.status)) return false;
      setRefund(orderId, { refundStatus: 'pending', refundError: null });
      deps.orders.note(orderId, 'refund.pending', { source: 'shop', detail: { reason } });
      setImmediate(() => kick(orderId));
      return true;
    },

    /** Sends the refunds a previous run recorded but did not get through (call once at start). */
    resume(): void {
      for (const o of db
        .select({ id: orders.id })
        .from(orders)
        .where(eq(orders.refundStatus, 'pending'))
        .all())
        kick(o.id);
    },

    isRunning: (orderId: string) => running.has(orderId),

    async stop(): Promise<void> {
      stopped = true;
      stopping.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
