// What the SQLite and PostgreSQL stores share beyond their SQL dialect: wake-ups, list filters, stats,
// and which statuses a replay takes back.
import type { ListMessagesQuery, MessageStatus, OutboxStats } from './types.ts';

/** Never arrived: a plain `replaySince` puts these back in line. */
export const UNDELIVERED: readonly MessageStatus[] = ['dead', 'failed', 'canceled'];
/** Finished: `replaySince` with `includeDelivered`. */
export const FINISHED: readonly MessageStatus[] = ['delivered', ...UNDELIVERED];
/** `replay(id)` also accepts a pending message (it only moves its due time). */
export const REPLAYABLE: readonly MessageStatus[] = [...FINISHED, 'pending'];

/** `('a','b')` for an `IN` clause; the statuses are constants, never input. */
export const sqlList = (statuses: readonly MessageStatus[]): string =>
  `(${statuses.map((s) => `'${s}'`).join(',')})`;

/** The SET clause of a replay: pending, due now, lease cleared, a fresh retry cycle. */
export const replaySet = (nowParam: string) =>
  `status = 'pending', next_attempt_at = ${nowParam}, lock_owner = NULL, locked_until = NULL,
        cycle_start = CASE WHEN status = 'pending' THEN cycle_start ELSE attempts END`;

export interface Wakeup {
  subscribe(listener: () => void): () => void;
  /** Calls every listener once on the next turn (coalesced), after the caller's transaction committed. */
  wake(): void;
}

export function createWakeup(): Wakeup {
  const listeners = new Set<() => void>();
  let scheduled = false;
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    wake() {
      if (scheduled || listeners.size === 0) return;
      scheduled = true;
      // setImmediate runs after a synchronous SQLite transaction has committed.
      setImmediate(() => {
        scheduled = false;
        for (const listener of listeners) listener();
      });
    },
  };
}

/**
 * `SELECT * … ORDER BY id DESC LIMIT …` for `listMessages`; `param(n)` writes the n-th placeholder
 * (`?` on SQLite, `$n` on PostgreSQL).
 */
export function listMessagesSql(
  table: string,
  q: ListMessagesQuery & { limit: number },
  param: (n: number) => string,
): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (column: string, op: string, value: string) => {
    params.push(value);
    where.push(`${column} ${op} ${param(params.length)}`);
  };
  if (q.status) add('status', '=', q.status);
  if (q.endpointId) add('endpoint_id', '=', q.endpointId);
  if (q.before) add('id', '<', q.before);
  params.push(q.limit);
  const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT * FROM ${table}${filter} ORDER BY id DESC LIMIT ${param(params.length)}`, params };
}

/** Store stats from per-status counts, the attempt count and the oldest pending message. */
export function statsFrom(
  counts: Iterable<{ status: unknown; n: unknown }>,
  attempts: unknown,
  oldestPendingAt: unknown,
): OutboxStats {
  const by = new Map<string, number>();
  for (const row of counts) by.set(String(row.status), Number(row.n));
  return {
    pending: by.get('pending') ?? 0,
    inFlight: by.get('in_flight') ?? 0,
    delivered: by.get('delivered') ?? 0,
    dead: by.get('dead') ?? 0,
    failed: by.get('failed') ?? 0,
    canceled: by.get('canceled') ?? 0,
    attempts: attempts == null ? 0 : Number(attempts),
    oldestPendingAt: oldestPendingAt == null ? null : Number(oldestPendingAt),
  };
}
