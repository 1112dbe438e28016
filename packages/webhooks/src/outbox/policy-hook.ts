// A retry rule written as "after failed attempt N: wait this long, or give up" (workshop exercise 07), as the
// dispatcher's `decideAttempt`. Successes and SSRF refusals keep the engine's own rules.
import {
  type AttemptContext,
  type AttemptDecision,
  type AttemptFacts,
  classifyFailure,
  decideAttempt,
} from './policy.ts';

export interface FailedAttempt {
  /** 1 for the first attempt of the current cycle. */
  attempt: number;
  status: number | null;
  retryAfter?: string;
}

export type RetryRule = (
  failed: FailedAttempt,
  random: () => number,
  now: number,
) => { retry: true; delayMs: number } | { retry: false; reason: string };

export function decideWithRule(
  rule: RetryRule,
): (facts: AttemptFacts, ctx: AttemptContext) => AttemptDecision {
  return (facts, ctx) => {
    if (facts.ok || facts.refusal !== undefined) return decideAttempt(facts, ctx);
    const { failureKind, endpointGone } = classifyFailure(facts, ctx.profile);
    const d = rule(
      {
        attempt: ctx.attemptNo - ctx.cycleStart,
        status: facts.statusCode,
        ...(facts.retryAfter !== undefined ? { retryAfter: facts.retryAfter } : {}),
      },
      () => ctx.random,
      ctx.now,
    );
    if (!d.retry) return { status: 'dead', failureKind, endpointGone };
    const delay = Number.isFinite(d.delayMs) ? Math.max(0, d.delayMs) : 0;
    return { status: 'pending', failureKind, nextAttemptAt: ctx.now + delay, endpointGone: false };
  };
}
