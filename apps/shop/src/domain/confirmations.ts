import { eq, sql } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import { type Confirmation, confirmations } from '../db/schema.ts';
import type { ConfirmationMode } from './orders.ts';

/** Wall-clock epoch milliseconds with sub-millisecond precision (for delays of a few ms). */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** The window in which the payment changed, as far as the shop can tell (epoch ms). */
export interface ChangeWindow {
  after: number;
  before: number;
  source: string;
}

/** The S02 counters, kept per order in the database so they survive restarts and come from real requests. */
export function createConfirmations(db: ShopDb, now: () => number) {
  const row = (orderId: string) =>
    db.select().from(confirmations).where(eq(confirmations.orderId, orderId)).get();
  const ensure = (orderId: string, mode: ConfirmationMode, paymentIntentId?: string) => {
    db.insert(confirmations)
      .values({ orderId, mode, paymentIntentId, startedAt: now() })
      .onConflictDoNothing()
      .run();
    if (paymentIntentId)
      db.update(confirmations).set({ paymentIntentId }).where(eq(confirmations.orderId, orderId)).run();
  };

  return {
    ensure,
    get: row,

    /**
     * A poll was answered: `nothingNew` when it told us the same as the previous answer; `stillPending` when
     * the payment had not succeeded yet when it was sent (the change happened after `sentAt`).
     */
    poll(orderId: string, o: { nothingNew: boolean; sentAt: number; stillPending: boolean }): void {
      db.update(confirmations)
        .set({
          requests: sql`${confirmations.requests} + 1`,
          requestsNothingNew: sql`${confirmations.requestsNothingNew} + ${o.nothingNew ? 1 : 0}`,
          ...(o.stillPending ? { changeAfter: o.sentAt } : {}),
        })
        .where(eq(confirmations.orderId, orderId))
        .run();
    },

    /** A webhook delivery concerning this order arrived (duplicates and uninformative ones included). */
    delivery(orderId: string, mode: ConfirmationMode): void {
      ensure(orderId, mode);
      db.update(confirmations)
        .set({ deliveries: sql`${confirmations.deliveries} + 1` })
        .where(eq(confirmations.orderId, orderId))
        .run();
    },

    /** The shop now knows the final outcome: keep the first time only. */
    known(
      orderId: string,
      o: { knownAt: number; finalStatus: string; change: ChangeWindow | { before: number; source: string } },
    ): void {
      const current = row(orderId);
      if (!current || current.knownAt != null) return;
      const after = 'after' in o.change ? o.change.after : current.changeAfter;
      db.update(confirmations)
        .set({
          knownAt: o.knownAt,
          finalStatus: o.finalStatus,
          changeAfter: after,
          changeBefore: o.change.before,
          changeSource: o.change.source,
        })
        .where(eq(confirmations.orderId, orderId))
        .run();
    },

    list(): Confirmation[] {
      return db.select().from(confirmations).all();
    },
  };
}

export type Confirmations = ReturnType<typeof createConfirmations>;

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : null;
const round = (n: number | null | undefined) => (n == null ? null : Math.round(n * 10) / 10);

/**
 * How long the shop took to know, from one order's counters: bounds from the change window, and its middle
 * as the estimate (the change is equally likely anywhere in the window).
 */
export function delayOf(r: Confirmation): { estimate: number; min: number; max: number } | null {
  if (r.knownAt == null || r.changeBefore == null || r.changeAfter == null) return null;
  const min = Math.max(0, r.knownAt - r.changeBefore);
  const max = Math.max(min, r.knownAt - r.changeAfter);
  return { estimate: round((min + max) / 2)!, min: round(min)!, max: round(max)! };
}

/** Sums the per-order counters by mode, the figures `GET /api/metrics/confirmation` returns. */
export function summarize(rows: Confirmation[]) {
  const out: Record<ConfirmationMode, ReturnType<typeof emptySide>> = {
    webhook: emptySide(),
    polling: emptySide(),
  };
  const delays: Record<ConfirmationMode, { estimate: number; min: number; max: number }[]> = {
    webhook: [],
    polling: [],
  };
  for (const r of rows) {
    const mode: ConfirmationMode = r.mode === 'polling' ? 'polling' : 'webhook';
    const side = out[mode];
    side.orders += 1;
    side.requests_made += r.requests;
    side.requests_nothing_new += r.requestsNothingNew;
    side.deliveries_received += r.deliveries;
    if (r.knownAt != null) side.orders_known += 1;
    const d = delayOf(r);
    if (d) delays[mode].push(d);
    if (r.changeSource)
      side.change_time_sources[r.changeSource] = (side.change_time_sources[r.changeSource] ?? 0) + 1;
  }
  for (const mode of ['webhook', 'polling'] as const) {
    const d = delays[mode];
    const est = d.map((x) => x.estimate).sort((a, b) => a - b);
    out[mode].delay_ms = {
      samples: d.length,
      p50: round(percentile(est, 50)),
      max: round(est.at(-1)),
      bounds_p50: d.length
        ? [
            round(
              percentile(
                d.map((x) => x.min).sort((a, b) => a - b),
                50,
              ),
            ),
            round(
              percentile(
                d.map((x) => x.max).sort((a, b) => a - b),
                50,
              ),
            ),
          ]
        : null,
    };
  }
  return out;
}

function emptySide() {
  return {
    orders: 0,
    orders_known: 0,
    requests_made: 0,
    requests_nothing_new: 0,
    deliveries_received: 0,
    delay_ms: {
      samples: 0,
      p50: null as number | null,
      max: null as number | null,
      bounds_p50: null as (number | null)[] | null,
    },
    change_time_sources: {} as Record<string, number>,
  };
}
