// The engine's rules as pure functions: what one attempt's result means for its message (delivered, retry
// when, or give up) and for its endpoint's health. No I/O and no clock: facts in, next state out.
import type { TransportResult } from '../transport/types.ts';
import {
  LOCAL_COMPRESSION,
  LOCAL_FLOOR_MS,
  parseRetryAfter,
  RETRY_JITTER,
  type RetryMode,
  retryDelayMs,
  retrySchedule,
} from './schedules.ts';
import type { FailureKind, RetryProfile } from './types.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface ProfilePolicy {
  /** True: a 410 ends the message and reports the endpoint gone. False: 410 is retried like any failure. */
  goneIsFinal: boolean;
  /** How long an endpoint may fail with no success before it is reported failing (real time). */
  healthWindowMs: number;
}

/**
 * Per profile. Stripe retries every non-2xx alike and disables an endpoint after days of failures (≈ 3);
 * Standard Webhooks / Svix disable on 410 and after 5 days of failures. Slack disables event delivery
 * when over 95 % fail within 60 minutes; we ask for 100 % over 60 minutes, a stricter reading that needs
 * no failure-rate bookkeeping.
 */
export const profilePolicies: Readonly<Record<RetryProfile, ProfilePolicy>> = {
  stripe: { goneIsFinal: false, healthWindowMs: 3 * DAY },
  standard: { goneIsFinal: true, healthWindowMs: 5 * DAY },
  slack: { goneIsFinal: false, healthWindowMs: 60 * MINUTE },
};

/** The health window of a profile, compressed in local mode by the same factor as its retry schedule. */
export function healthWindowMs(profile: RetryProfile, mode: RetryMode): number {
  const real = profilePolicies[profile].healthWindowMs;
  return mode === 'real' ? real : Math.max(LOCAL_FLOOR_MS, Math.round(real / LOCAL_COMPRESSION));
}

/** The window a dispatcher applies: its override (one for all, or per profile) or the profile's own. */
export function healthWindowFor(
  profile: RetryProfile,
  mode: RetryMode,
  override?: number | Partial<Record<RetryProfile, number>>,
): number {
  return typeof override === 'number' ? override : (override?.[profile] ?? healthWindowMs(profile, mode));
}

/**
 * The longest a failing endpoint can go unattempted while a message still waits for its retry: a silence
 * longer than this ends a run of failures (see `nextEndpointHealth`).
 */
export function quietWindowMs(
  profile: RetryProfile,
  mode: RetryMode,
  windowMs: number,
  maxRetryAfterMs: number,
): number {
  const longestDelay = Math.max(...retrySchedule(profile, mode));
  return Math.max(windowMs, maxRetryAfterMs, Math.ceil(longestDelay * (1 + RETRY_JITTER)));
}

/** What happened to one attempt, before any rule is applied. */
export interface AttemptFacts {
  ok: boolean;
  statusCode: number | null;
  /** The transport's failure kind; null on success or when nothing was sent. */
  transportFailure: 'timeout' | 'connection' | 'http' | null;
  /** Set when the SSRF guard refused to send: its code (`dns_error`, `ssrf_blocked`, …) or '' when it gave none. */
  refusal?: string;
  /** The response's `Retry-After`, if any. */
  retryAfter?: string;
  /** The response said `X-Slack-No-Retry: 1` (final on the slack profile only). */
  noRetry?: boolean;
}

export interface AttemptContext {
  profile: RetryProfile;
  mode: RetryMode;
  /** Number of this attempt over the message's life, and the count when its current cycle began. */
  attemptNo: number;
  cycleStart: number;
  now: number;
  maxRetryAfterMs: number;
  /** A jitter draw, uniform in [0, 1). */
  random: number;
}

/** The facts of an attempt that was sent. */
export function sentFacts(result: TransportResult): AttemptFacts {
  return {
    ok: result.ok,
    statusCode: result.statusCode,
    transportFailure: result.failureKind,
    retryAfter: result.headers['retry-after'],
    ...(result.headers['x-slack-no-retry'] === '1' ? { noRetry: true } : {}),
  };
}

/** The facts of an attempt the SSRF guard refused to send (`code` as the guard gave it). */
export function refusedFacts(code: string | undefined): AttemptFacts {
  return { ok: false, statusCode: null, transportFailure: null, refusal: code ?? '' };
}

export type AttemptDecision =
  | { status: 'delivered'; failureKind: null; endpointGone: false }
  | { status: 'pending'; failureKind: FailureKind; nextAttemptAt: number; endpointGone: false }
  | { status: 'dead'; failureKind: FailureKind; endpointGone: boolean };

/** How an attempt failed, and whether retrying could ever help. */
export function classifyFailure(
  facts: AttemptFacts,
  profile: RetryProfile,
): { failureKind: FailureKind; final: boolean; endpointGone: boolean } {
  if (facts.refusal !== undefined) {
    // A name that did not resolve may resolve later; an address the guard refuses stays refused.
    if (facts.refusal === 'dns_error') return { failureKind: 'dns', final: false, endpointGone: false };
    return { failureKind: 'ssrf', final: true, endpointGone: false };
  }
  // Slack's Events API: an app answering `X-Slack-No-Retry: 1` asks for no further attempts.
  if (profile === 'slack' && facts.noRetry) {
    return { failureKind: facts.transportFailure ?? 'http', final: true, endpointGone: false };
  }
  if (facts.statusCode === 410) {
    const final = profilePolicies[profile].goneIsFinal;
    return { failureKind: 'gone', final, endpointGone: final };
  }
  return { failureKind: facts.transportFailure ?? 'http', final: false, endpointGone: false };
}

/** The message's next state after one attempt: delivered, pending again (when), or dead. */
export function decideAttempt(facts: AttemptFacts, ctx: AttemptContext): AttemptDecision {
  if (facts.ok) return { status: 'delivered', failureKind: null, endpointGone: false };
  const { failureKind, final, endpointGone } = classifyFailure(facts, ctx.profile);
  const retryIndex = ctx.attemptNo - ctx.cycleStart - 1;
  const delay = final ? null : retryDelayMs(ctx.profile, ctx.mode, retryIndex, () => ctx.random);
  if (delay === null) return { status: 'dead', failureKind, endpointGone };
  const retryAfter = parseRetryAfter(facts.retryAfter, ctx.now) ?? 0;
  const wait = Math.max(delay, Math.min(retryAfter, ctx.maxRetryAfterMs));
  return { status: 'pending', failureKind, nextAttemptAt: ctx.now + wait, endpointGone: false };
}

/** What the dispatcher reports for an attempt (`failed`: its endpoint was disabled meanwhile). */
export type AttemptOutcome = 'delivered' | 'retry' | 'dead' | 'failed';

/**
 * The message's final word for this attempt, once the endpoint's state is known: a retry for an endpoint
 * that was disabled (set aside) meanwhile ends `failed` instead, kept for a replay.
 */
export function attemptOutcome(
  decision: AttemptDecision,
  endpointSetAside: boolean,
):
  | { outcome: 'delivered' | 'dead' | 'failed'; nextAttemptAt: null }
  | { outcome: 'retry'; nextAttemptAt: number } {
  if (decision.status !== 'pending') return { outcome: decision.status, nextAttemptAt: null };
  if (endpointSetAside) return { outcome: 'failed', nextAttemptAt: null };
  return { outcome: 'retry', nextAttemptAt: decision.nextAttemptAt };
}

/** An endpoint's run of failures, kept per endpoint (in memory and in the store). Epoch ms. */
export interface EndpointHealth {
  /** First failure with no success after it; null while the endpoint is healthy. */
  failingSince: number | null;
  lastFailureAt: number | null;
  lastSuccessAt: number | null;
}

export const HEALTHY: EndpointHealth = Object.freeze({
  failingSince: null,
  lastFailureAt: null,
  lastSuccessAt: null,
});

export type HealthVerdict = 'healthy' | 'failing' | 'disable';

/** `failing` until the run of failures has lasted `windowMs`, then `disable`. */
export function healthVerdict(health: EndpointHealth, now: number, windowMs: number): HealthVerdict {
  if (health.failingSince === null) return 'healthy';
  return now - health.failingSince >= windowMs ? 'disable' : 'failing';
}

/**
 * The endpoint's health after one outcome at `at`. A success ends the run; a failure starts one, or
 * continues it unless nothing failed for longer than `quietMs` (default the window): a silence longer
 * than any retry wait is no evidence of failing.
 */
export function nextEndpointHealth(
  health: EndpointHealth,
  outcome: { ok: boolean; at: number },
  windowMs: number,
  quietMs = windowMs,
): { health: EndpointHealth; verdict: HealthVerdict } {
  const { at } = outcome;
  if (outcome.ok) {
    const next = {
      failingSince: null,
      lastFailureAt: health.lastFailureAt,
      lastSuccessAt: Math.max(at, health.lastSuccessAt ?? at),
    };
    return { health: next, verdict: 'healthy' };
  }
  const continues =
    health.failingSince !== null && health.lastFailureAt !== null && at - health.lastFailureAt <= quietMs;
  const next = {
    failingSince: continues ? Math.min(health.failingSince!, at) : at,
    lastFailureAt: Math.max(at, health.lastFailureAt ?? at),
    lastSuccessAt: health.lastSuccessAt,
  };
  return { health: next, verdict: healthVerdict(next, at, windowMs) };
}

/**
 * Whether a worker should write its view of an endpoint's health: when it has none stored yet, when the
 * run changed (started or ended), else at most every window/16 per kind of outcome.
 */
export function healthWorthSaving(
  saved: EndpointHealth | null,
  health: EndpointHealth,
  outcome: { ok: boolean; at: number },
  windowMs: number,
): boolean {
  if (!saved || saved.failingSince !== health.failingSince) return true;
  const lastSaved = (outcome.ok ? saved.lastSuccessAt : saved.lastFailureAt) ?? Number.NEGATIVE_INFINITY;
  return outcome.at - lastSaved >= windowMs / 16;
}

const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Two views of one endpoint (two workers, or memory and store) as one: the latest success and failure
 * win, and a run of failures counts only from after the latest success. The stores' upserts do the same.
 */
export function mergeEndpointHealth(a: EndpointHealth, b: EndpointHealth): EndpointHealth {
  const lastSuccessAt = later(a.lastSuccessAt, b.lastSuccessAt);
  const after = (t: number | null) => t !== null && (lastSuccessAt === null || t > lastSuccessAt);
  const runs = [a.failingSince, b.failingSince].filter(after) as number[];
  return {
    failingSince: runs.length ? Math.min(...runs) : null,
    lastFailureAt: later(a.lastFailureAt, b.lastFailureAt),
    lastSuccessAt,
  };
}
