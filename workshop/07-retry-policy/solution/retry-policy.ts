// Exercise 07 (reference): when to try a failed webhook delivery again, and when to stop.

export interface Policy {
  /** The wait after the first failure; each later one doubles it. */
  baseMs: number;
  /** No wait is longer than this (nor a Retry-After we honour). */
  maxMs: number;
  /** Attempts in all, the first included; after the last failure, give up. */
  maxAttempts: number;
  /** Bounded jitter: the wait is spread uniformly over ±jitter of itself (0.2 → ±20 %). */
  jitter: number;
}

export interface FailedAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** The receiver's HTTP status; null when no answer came (timeout, connection refused). */
  status: number | null;
  /** The response's Retry-After header, as sent: seconds or an HTTP date. */
  retryAfter?: string;
}

export type Decision = { retry: true; delayMs: number } | { retry: false; reason: string };

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `random()` is uniform in [0, 1): Math.random in production, a fixed value in tests. */
export function nextRetry(
  failed: FailedAttempt,
  policy: Policy,
  random: () => number,
  now = Date.now(),
): Decision {
  if (failed.status === 410)
    return { retry: false, reason: 'gone: the receiver said 410, this endpoint is no more' };
  if (failed.attempt >= policy.maxAttempts)
    return { retry: false, reason: `gave up after ${failed.attempt} attempts` };
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** (failed.attempt - 1));
  const spread = exponential * policy.jitter;
  const jittered = Math.round(exponential - spread + 2 * spread * random());
  const asked = retryAfterMs(failed.retryAfter, now);
  const delayMs = asked === undefined ? jittered : Math.max(jittered, Math.min(asked, policy.maxMs));
  return { retry: true, delayMs };
}
