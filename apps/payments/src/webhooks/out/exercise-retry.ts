// Workshop exercise 07 (dev only, workshop/07-retry-policy): an attendee's retry rule decides when payments
// tries a failed Stripe event delivery again, and when it gives up. Without it: Stripe's schedule.
import { exerciseModule } from '@hooklab/service';
import {
  type AttemptContext,
  type AttemptDecision,
  type AttemptFacts,
  decideWithRule,
  type FailedAttempt,
} from '@hooklab/webhooks';

/** The policy the attendee's rule is given: dev-sized (seconds, not days), so retries show while you watch. */
export const EXERCISE_RETRY_POLICY = { baseMs: 1000, maxMs: 60_000, maxAttempts: 8, jitter: 0.2 };

type NextRetry = (
  failed: FailedAttempt,
  policy: typeof EXERCISE_RETRY_POLICY,
  random: () => number,
  now: number,
) => { retry: true; delayMs: number } | { retry: false; reason: string };

export async function exerciseRetry(
  dev: boolean,
): Promise<{ id: '07'; decideAttempt: (f: AttemptFacts, c: AttemptContext) => AttemptDecision } | undefined> {
  const mod = await exerciseModule<{ nextRetry: NextRetry }>('07', dev);
  if (!mod) return undefined;
  return {
    id: '07',
    decideAttempt: decideWithRule((failed, random, now) =>
      mod.nextRetry(failed, EXERCISE_RETRY_POLICY, random, now),
    ),
  };
}
