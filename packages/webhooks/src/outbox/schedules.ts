// Retry profiles. Each array holds the delay before retry 1, 2, … (the first attempt is immediate).
import type { RetryProfile } from './types.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

export const realRetrySchedules: Readonly<Record<RetryProfile, readonly number[]>> = {
  // Stripe retries "for up to three days with an exponential back off": 1m … 12h, ~72 h in all.
  stripe: [1 * M, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H, 10 * H, 10 * H, 12 * H, 12 * H],
  // Slack Events API: three retries, "nearly immediately, then after 1 minute, then after 5 minutes".
  slack: [0, 1 * M, 5 * M],
  // Standard Webhooks reference schedule: immediately, 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h.
  standard: [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H],
};

/** Local mode: one hour becomes one minute, with a one-second floor so a person can watch retries. */
export const LOCAL_COMPRESSION = 60;
export const LOCAL_FLOOR_MS = 1000;

export type RetryMode = 'local' | 'real';

export const localRetrySchedules: Readonly<Record<RetryProfile, readonly number[]>> = {
  stripe: realRetrySchedules.stripe.map(compress),
  slack: realRetrySchedules.slack.map(compress),
  standard: realRetrySchedules.standard.map(compress),
};

function compress(ms: number): number {
  return ms === 0 ? 0 : Math.max(LOCAL_FLOOR_MS, Math.round(ms / LOCAL_COMPRESSION));
}

export function retrySchedule(profile: RetryProfile, mode: RetryMode): readonly number[] {
  return (mode === 'real' ? realRetrySchedules : localRetrySchedules)[profile];
}

/**
 * Jitter band: each delay is its base ± 10 %. Enough to spread a burst of failures; small enough that
 * Slack's "1 min, then 5 min" stays that, and that a schedule's total stays what its profile promises.
 */
export const RETRY_JITTER = 0.1;

/**
 * Delay before retry number `retryIndex` (0-based), or null when the schedule is spent: the base delay
 * scaled by a factor uniform in [1 − RETRY_JITTER, 1 + RETRY_JITTER) (`random() = 0.5` gives the base).
 */
export function retryDelayMs(
  profile: RetryProfile,
  mode: RetryMode,
  retryIndex: number,
  random: () => number = Math.random,
): number | null {
  const base = retrySchedule(profile, mode)[retryIndex];
  if (base === undefined) return null;
  return Math.round(base * (1 + RETRY_JITTER * (2 * random() - 1)));
}

/** RFC 9110 §10.2.3: `Retry-After` is delay-seconds or an HTTP-date. Returns ms from `now`, or null. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
