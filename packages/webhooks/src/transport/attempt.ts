// What the transports that do not speak HTTP (queue:, topic:, mailto:) share for one attempt.
import { performance } from 'node:perf_hooks';
import type { TransportResult } from './types.ts';

export type AttemptOutcome = Omit<TransportResult, 'durationMs' | 'headers'>;

/** Starts timing an attempt; the function returned stamps an outcome with its duration (no response headers). */
export function startAttempt(): (outcome: AttemptOutcome) => TransportResult {
  const started = performance.now();
  return (outcome) => ({
    ...outcome,
    headers: {},
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
}

/** A failure before anything was handed over (bad target, broker unreachable, an error thrown). */
export function connectionFailure(excerpt: string): AttemptOutcome {
  return { ok: false, statusCode: null, failureKind: 'connection', excerpt };
}

/** `'ok'` once `work` resolves, `'timeout'` if `ms` pass first; rejects as `work` does. The timer never outlives it. */
export function withinDeadline(work: Promise<unknown>, ms: number): Promise<'ok' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = Promise.race([work.then(() => 'ok' as const), timedOut]);
  // The race itself is returned, not a promise chained on it: a caller resumes as soon as it settles.
  outcome.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return outcome;
}
