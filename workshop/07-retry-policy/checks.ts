// Exercise 07's guiding checks: pure decisions, with the jitter's random draw fixed.
import { type Checks, ensure, same } from '../kit/check.ts';
import type * as Impl from './solution/retry-policy.ts';

const POLICY: Impl.Policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 8, jitter: 0.2 };
const MIDDLE = () => 0.5; // no jitter: the middle of the spread
const NOW = Date.parse('2026-12-05T10:00:00Z');

const delay = (d: Impl.Decision) => (d.retry ? d.delayMs : `gave up (${d.reason})`);

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'exponential backoff: 1 s, 2 s, 4 s, 8 s…',
      run(impl) {
        const waits = [1, 2, 3, 4].map((attempt) =>
          delay(impl.nextRetry({ attempt, status: 503 }, POLICY, MIDDLE, NOW)),
        );
        same(
          waits,
          [1000, 2000, 4000, 8000],
          'after failures 1, 2, 3, 4 the waits double (baseMs × 2^(attempt-1)): a receiver that is down gets room to recover',
        );
      },
    },
    {
      name: 'capped at maxMs',
      run(impl) {
        same(
          delay(impl.nextRetry({ attempt: 7, status: 500 }, POLICY, MIDDLE, NOW)),
          60_000,
          'attempt 7 would wait 64 s: never more than maxMs (60 s)',
        );
      },
    },
    {
      name: 'bounded jitter: spread within ±jitter, never beyond',
      run(impl) {
        const low = delay(impl.nextRetry({ attempt: 3, status: 503 }, POLICY, () => 0, NOW));
        const high = delay(impl.nextRetry({ attempt: 3, status: 503 }, POLICY, () => 0.999999, NOW));
        ensure(
          low === 3200 && typeof high === 'number' && high >= 4799 && high <= 4800,
          `with jitter 0.2 the 4 s wait must spread over [3.2 s, 4.8 s] (random() 0 → 3200, ~1 → 4800); got ${low} and ${high}. Without jitter every sender retries at the same instant (a thundering herd)`,
        );
      },
    },
    {
      name: 'Retry-After: wait at least what the receiver asks (seconds or a date), up to maxMs',
      run(impl) {
        same(
          delay(impl.nextRetry({ attempt: 1, status: 429, retryAfter: '30' }, POLICY, MIDDLE, NOW)),
          30_000,
          'Retry-After: 30 → wait 30 s, not your 1 s',
        );
        same(
          delay(
            impl.nextRetry(
              { attempt: 1, status: 503, retryAfter: new Date(NOW + 20_000).toUTCString() },
              POLICY,
              MIDDLE,
              NOW,
            ),
          ),
          20_000,
          'Retry-After may be an HTTP date: wait until then',
        );
        same(
          delay(impl.nextRetry({ attempt: 4, status: 503, retryAfter: '1' }, POLICY, MIDDLE, NOW)),
          8000,
          'a Retry-After shorter than your backoff does not shorten it',
        );
        same(
          delay(impl.nextRetry({ attempt: 1, status: 503, retryAfter: '86400' }, POLICY, MIDDLE, NOW)),
          60_000,
          'a receiver cannot park you for a day: cap Retry-After at maxMs',
        );
      },
    },
    {
      name: 'gives up after maxAttempts',
      run(impl) {
        const last = impl.nextRetry({ attempt: 8, status: 500 }, POLICY, MIDDLE, NOW);
        ensure(
          !last.retry,
          'attempt 8 of maxAttempts 8 failed: give up ({ retry: false, reason }), the message goes dead (and can be replayed by hand)',
        );
        ensure(
          impl.nextRetry({ attempt: 7, status: 500 }, POLICY, MIDDLE, NOW).retry,
          'attempt 7 of 8 failed: one more try',
        );
      },
    },
    {
      name: 'gives up at once on 410 Gone; retries a timeout',
      run(impl) {
        ensure(
          !impl.nextRetry({ attempt: 1, status: 410 }, POLICY, MIDDLE, NOW).retry,
          '410 Gone means "this endpoint is no more" (Standard Webhooks): stop retrying at once',
        );
        same(
          delay(impl.nextRetry({ attempt: 1, status: null }, POLICY, MIDDLE, NOW)),
          1000,
          'no answer at all (status null: timeout, refused) is retried like a 5xx',
        );
      },
    },
  ],
};
