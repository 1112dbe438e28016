// What the page and the API show about deliveries: the last attempt per subscription (written in batches
// off the dispatcher's path) and the outbox's own record of recent messages.
import type { AttemptEvent, OutboxMessage } from '@hooklab/webhooks';
import type { HubContext } from '../context.ts';

/** How long attempts gather before one transaction writes them (a publish's 1,000 in a few, not hundreds). */
export const LAST_DELIVERY_BATCH_MS = 20;

export interface LastDeliveryRecorder {
  /** An `onAttempt` for the dispatcher. */
  (e: AttemptEvent): void;
  /** Writes what is gathered now (after the dispatcher's stop, before the database closes). */
  flush(): void;
}

/** Keeps each subscription's last delivery, one transaction per batch of attempts. */
export function lastDeliveryRecorder(ctx: HubContext): LastDeliveryRecorder {
  const pending = new Map<string, { at: number; status: number | null; ok: boolean }>();
  let timer: NodeJS.Timeout | null = null;
  // A raw prepared statement, run per row: profiled, one UPDATE … FROM VALUES per batch cost more.
  const update = ctx.sqlite.prepare(
    'UPDATE subscriptions SET last_delivery_at = ?, last_delivery_status = ?, last_delivery_ok = ? WHERE id = ?',
  );
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const rows = [...pending];
    pending.clear();
    // Bookkeeping only: an attempt that lands after shutdown closed the database is not recorded.
    if (!ctx.sqlite.open) return;
    ctx.sqlite.transaction(() => {
      for (const [id, d] of rows) update.run(d.at, d.status, d.ok ? 1 : 0, id);
    })();
  };
  const record = (e: AttemptEvent) => {
    pending.set(e.message.endpointId, {
      at: e.attempt.startedAt + e.attempt.durationMs,
      status: e.attempt.statusCode,
      ok: e.attempt.ok,
    });
    timer ??= setTimeout(flush, LAST_DELIVERY_BATCH_MS);
  };
  return Object.assign(record, { flush });
}

export interface DeliveryView {
  id: string;
  subscription_id: string;
  topic: string | null;
  status: OutboxMessage['status'];
  attempts: number;
  last_status_code: number | null;
  last_failure: string | null;
  created_at: string;
  delivered_at: string | null;
  next_attempt_at: string | null;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** Recent distribution messages, newest first (the outbox keeps them). */
export async function recentDeliveries(ctx: HubContext, limit: number): Promise<DeliveryView[]> {
  const messages = await ctx.outbox.listMessages({ limit });
  return messages.map((m) => ({
    id: m.id,
    subscription_id: m.endpointId,
    topic: selfOf(m.headers.link),
    status: m.status,
    attempts: m.attempts,
    last_status_code: m.lastStatusCode,
    last_failure: m.lastFailureKind,
    created_at: iso(m.createdAt)!,
    delivered_at: iso(m.deliveredAt),
    next_attempt_at: m.status === 'pending' ? iso(m.nextAttemptAt) : null,
  }));
}

function selfOf(link: string | undefined): string | null {
  return link?.match(/<([^>]*)>;\s*rel="self"/)?.[1] ?? null;
}
