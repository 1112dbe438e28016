// Exercise 07: when to try a failed webhook delivery again, and when to stop. Run `pnpm workshop test 07`,
// then `pnpm dev --exercise 07`: payments' deliveries to the shop retry on your schedule.

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

/** `random()` is uniform in [0, 1): Math.random in production, a fixed value in tests. */
export function nextRetry(
  failed: FailedAttempt,
  policy: Policy,
  random: () => number,
  now = Date.now(),
): Decision {
  void failed;
  void random;
  void now;
  // TODO: a fixed wait hammers a receiver that is down, all senders at once. Wait baseMs, then 2×, 4×…
  // (capped at maxMs), spread by ±jitter with random(), at least what Retry-After asks (capped at maxMs).
  // TODO: give up after maxAttempts, and at once on 410 Gone.
  return { retry: true, delayMs: policy.baseMs };
}
