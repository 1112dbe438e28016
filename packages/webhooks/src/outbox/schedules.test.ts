import { describe, expect, it } from 'vitest';
import { RETRY_JITTER, realRetrySchedules, retryDelayMs } from './schedules.ts';
import type { RetryProfile } from './types.ts';

const HOUR = 3600_000;
const span = (profile: RetryProfile, random: () => number) => {
  let total = 0;
  for (let i = 0; ; i++) {
    const delay = retryDelayMs(profile, 'real', i, random);
    if (delay === null) return total;
    total += delay;
  }
};

describe('retry schedules: the totals the README states', () => {
  it('Stripe retries for ≈ 3 days (71.6 h), Standard Webhooks 27.6 h, Slack 6 min', () => {
    expect(realRetrySchedules.stripe.reduce((a, b) => a + b) / HOUR).toBeCloseTo(71.6, 5);
    expect(realRetrySchedules.standard.reduce((a, b) => a + b) / HOUR).toBeCloseTo(27.58, 2);
    expect(realRetrySchedules.slack.reduce((a, b) => a + b)).toBe(6 * 60_000);
  });

  it('jitter keeps every delay, and so the total, within ±10 %: the lowest draws still span ≈ 3 days', () => {
    expect(RETRY_JITTER).toBe(0.1);
    const lowest = span('stripe', () => 0);
    const highest = span('stripe', () => 0.999_999);
    expect(lowest / HOUR).toBeCloseTo(71.6 * 0.9, 1);
    expect(highest / HOUR).toBeLessThanOrEqual(71.6 * 1.1);
    expect(span('stripe', () => 0.5) / HOUR).toBeCloseTo(71.6, 5);
    for (const [i, base] of realRetrySchedules.slack.entries()) {
      expect(retryDelayMs('slack', 'real', i, () => 0)).toBe(Math.round(base * 0.9));
    }
  });
});
