import type { Hop } from './hops.ts';

/** Figures that teach: what asking cost, what being told cost, and what went wrong on the way. */
export interface Counters {
  /** Request–response calls (the caller asks). */
  requests: number;
  /** Of those, GETs repeating an earlier identical GET: polls. */
  polls: number;
  /** Polls whose answer was exactly the previous one. */
  pollsNothingNew: number;
  /** Webhook deliveries that arrived (2xx): being told. */
  deliveries: number;
  /** Every webhook attempt, failed ones included. */
  deliveryAttempts: number;
  /** Attempts after the first for the same message. */
  retries: number;
  /** Hops that failed (no answer, or 4xx/5xx). */
  failures: number;
  /** Messages the sender gave up on (dead after its last try, or at-most-once drops). */
  drops: number;
  /** Deliveries the receiver recognised as already handled, and did not act on again. */
  duplicatesSuppressed: number;
}

export const ZERO: Counters = {
  requests: 0,
  polls: 0,
  pollsNothingNew: 0,
  deliveries: 0,
  deliveryAttempts: 0,
  retries: 0,
  failures: 0,
  drops: 0,
  duplicatesSuppressed: 0,
};

/** Counts a set of hops. */
export function countHops(hops: Iterable<Hop>): Counters {
  const c = { ...ZERO };
  for (const h of hops) {
    if (h.failed) c.failures++;
    if (h.kind === 'webhook') {
      c.deliveryAttempts++;
      if (!h.failed && !h.duplicate) c.deliveries++;
      if ((h.attempt ?? 1) > 1) c.retries++;
      if (h.outcome === 'dead' || h.outcome === 'dropped') c.drops++;
      if (h.duplicate) c.duplicatesSuppressed++;
    } else {
      c.requests++;
      if (h.repeat) c.polls++;
      if (h.nothingNew) c.pollsNothingNew++;
    }
  }
  return c;
}

/** Polls per caller → callee pair, for the breakdown under the counters. */
export function pollSeries(
  hops: Iterable<Hop>,
): { from: string; to: string; polls: number; nothingNew: number }[] {
  const by = new Map<string, { from: string; to: string; polls: number; nothingNew: number }>();
  for (const h of hops) {
    if (!h.repeat) continue;
    const key = `${h.from}→${h.to}`;
    const row = by.get(key) ?? { from: h.from, to: h.to, polls: 0, nothingNew: 0 };
    row.polls++;
    if (h.nothingNew) row.nothingNew++;
    by.set(key, row);
  }
  return [...by.values()].sort((a, b) => b.polls - a.polls);
}
