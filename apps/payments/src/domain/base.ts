import type { PaymentsContext } from '../context.ts';

/** The request an event came from (Stripe's `event.request`); null for background changes. */
export interface RequestMeta {
  id: string | null;
  idempotencyKey: string | null;
}

export const BACKGROUND: RequestMeta = { id: null, idempotencyKey: null };

/** Unix seconds on the context's clock. */
export const nowSec = (d: PaymentsContext) => Math.floor(d.clock.now() / 1000);

/** Runs `fn` in one SQLite transaction (state change, events and outbox rows commit together). */
export function tx<T>(d: PaymentsContext, fn: () => T): T {
  return d.sqlite.transaction(fn)();
}
