import { EXERCISE_HEADER, type Logger, sleep } from '@hooklab/service';
import type Stripe from 'stripe';
import { type Confirmations, preciseNow } from '../domain/confirmations.ts';
import type { Orders } from '../domain/orders.ts';
import { exercisePoller, pollThroughExercise, statusForExercise } from './exercise-poll.ts';

export interface PollerDeps {
  stripe: Stripe;
  orders: Orders;
  confirmations: Confirmations;
  intervalMs: number;
  timeoutMs: number;
  logger?: Logger;
  /** Dev mode: `pnpm dev --exercise 02` runs the attendee's pollUntilFinal instead of the loop below. */
  dev?: boolean;
}

const TERMINAL = new Set(['succeeded', 'canceled']);

/**
 * Polling mode (S02): asks `GET /v1/payment_intents/:id` every `intervalMs` until a terminal status,
 * counting every request and those that told nothing new.
 */
export function createPoller(deps: PollerDeps) {
  const active = new Map<string, { stop(): void; done: Promise<void> }>();

  /** Starts polling an order's PaymentIntent (or its Checkout Session until the session has one). */
  function start(
    orderId: string,
    target: { paymentIntentId?: string; checkoutSessionId?: string },
    knownStatus?: string,
  ): void {
    if (active.has(orderId) || (!target.paymentIntentId && !target.checkoutSessionId)) return;
    let paymentIntentId = target.paymentIntentId;
    deps.confirmations.ensure(orderId, 'polling', paymentIntentId);
    let stopped = false;
    const stopping = new AbortController();
    const done = (async () => {
      const deadline = Date.now() + deps.timeoutMs;
      let last = knownStatus;
      let lastError: string | undefined;
      /** One GET of the PaymentIntent, counted and applied to the order (a failed one counted too). */
      const askPaymentIntent = async (
        id: string,
        sentAt: number,
        headers?: Record<string, string>,
      ): Promise<Stripe.PaymentIntent | 'stopped' | 'failed'> => {
        let pi: Stripe.PaymentIntent;
        try {
          pi = headers
            ? await deps.stripe.paymentIntents.retrieve(id, {}, { headers })
            : await deps.stripe.paymentIntents.retrieve(id);
        } catch (err) {
          deps.confirmations.poll(orderId, { nothingNew: true, sentAt, stillPending: false });
          deps.logger?.warn(
            { orderId, paymentIntentId: id, err: err instanceof Error ? err.message : String(err) },
            'poll failed',
          );
          return 'failed';
        }
        if (stopped) return 'stopped';
        const knownAt = preciseNow();
        const errorKey = pi.last_payment_error
          ? `${pi.last_payment_error.code}:${pi.last_payment_error.message}`
          : undefined;
        const nothingNew = pi.status === last && errorKey === lastError;
        deps.confirmations.poll(orderId, { nothingNew, sentAt, stillPending: pi.status !== 'succeeded' });
        if (errorKey && errorKey !== lastError) {
          const e = pi.last_payment_error!;
          deps.orders.signal(orderId, 'payment_failed', {
            source: `poll:${pi.id}`,
            patch: {
              paymentIntentId: pi.id,
              failureReason: [e.decline_code ?? e.code, e.message].filter(Boolean).join(': '),
            },
          });
        }
        last = pi.status;
        lastError = errorKey;
        if (pi.status === 'processing' && !nothingNew)
          deps.orders.note(orderId, 'payment.processing', {
            source: `poll:${pi.id}`,
            patch: { paymentProcessing: true },
          });
        if (pi.status === 'succeeded') {
          const r = deps.orders.signal(orderId, 'payment_succeeded', {
            source: `poll:${pi.id}`,
            patch: { paymentIntentId: pi.id },
          });
          // The PaymentIntent has no "succeeded at": the change lies between the last poll that saw it
          // pending (kept as changeAfter) and this poll's request.
          if (r.transition?.kind === 'move') {
            deps.confirmations.known(orderId, {
              knownAt,
              finalStatus: 'paid',
              change: { before: sentAt, source: 'poll window (ms)' },
            });
          }
        }
        if (pi.status === 'canceled') {
          deps.orders.signal(orderId, 'payment_failed', {
            source: `poll:${pi.id}`,
            patch: { failureReason: 'payment canceled' },
          });
        }
        return pi;
      };
      const exercise = paymentIntentId ? await exercisePoller(deps.dev ?? false) : undefined;
      if (exercise && paymentIntentId) {
        const id = paymentIntentId;
        const told = () => statusForExercise(last ?? 'requires_payment_method', Boolean(lastError));
        const stoppedError = () => new Error('the shop is stopping');
        await pollThroughExercise(exercise, {
          orderId,
          // Each ask is the shop's own GET, counted and applied, marked for the console.
          getStatus: async () => {
            if (stopped) throw stoppedError();
            const pi = await askPaymentIntent(id, preciseNow(), { [EXERCISE_HEADER]: '02' });
            if (pi === 'stopped') throw stoppedError();
            return told();
          },
          intervalMs: deps.intervalMs,
          maxPolls: Math.max(1, Math.ceil(deps.timeoutMs / deps.intervalMs)),
          sleep: (ms) => sleep(ms, stopping.signal).catch(() => undefined),
          stopped: () => stopped,
          lastStatus: told,
          logger: deps.logger,
        });
        active.delete(orderId);
        return;
      }
      while (!stopped && Date.now() < deadline) {
        await sleep(deps.intervalMs, stopping.signal).catch(() => undefined);
        if (stopped) break;
        const sentAt = preciseNow();
        if (!paymentIntentId) {
          // Checkout may create the PaymentIntent only when the customer pays: ask the session until it has one.
          try {
            const session = await deps.stripe.checkout.sessions.retrieve(target.checkoutSessionId!);
            const id =
              typeof session.payment_intent === 'string'
                ? session.payment_intent
                : session.payment_intent?.id;
            deps.confirmations.poll(orderId, { nothingNew: !id, sentAt, stillPending: true });
            if (id) {
              paymentIntentId = id;
              deps.orders.attachPayment(orderId, { paymentIntentId: id });
            }
            if (session.status === 'expired') break;
          } catch (err) {
            deps.confirmations.poll(orderId, { nothingNew: true, sentAt, stillPending: false });
            deps.logger?.warn(
              { orderId, err: err instanceof Error ? err.message : String(err) },
              'session poll failed',
            );
          }
          continue;
        }
        const pi = await askPaymentIntent(paymentIntentId, sentAt);
        if (pi === 'stopped') break;
        if (pi === 'failed') continue;
        if (TERMINAL.has(pi.status)) break;
      }
      active.delete(orderId);
    })();
    active.set(orderId, {
      done,
      stop() {
        stopped = true;
        stopping.abort();
      },
    });
  }

  return {
    start,
    isPolling: (orderId: string) => active.has(orderId),
    async stopAll(): Promise<void> {
      const all = [...active.values()];
      for (const p of all) p.stop();
      await Promise.allSettled(all.map((p) => p.done));
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;
