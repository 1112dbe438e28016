import { describe, expect, it } from 'vitest';
import {
  type AttemptContext,
  type AttemptFacts,
  attemptOutcome,
  classifyFailure,
  decideAttempt,
  HEALTHY,
  healthWindowFor,
  healthWindowMs,
  healthWorthSaving,
  mergeEndpointHealth,
  nextEndpointHealth,
  quietWindowMs,
  refusedFacts,
  sentFacts,
} from './policy.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const ctx = (over: Partial<AttemptContext> = {}): AttemptContext => ({
  profile: 'stripe',
  mode: 'real',
  attemptNo: 1,
  cycleStart: 0,
  now: 1_000_000,
  maxRetryAfterMs: 6 * HOUR,
  random: 0.5,
  ...over,
});
const http = (statusCode: number, retryAfter?: string): AttemptFacts => ({
  ok: statusCode >= 200 && statusCode < 300,
  statusCode,
  transportFailure: statusCode >= 200 && statusCode < 300 ? null : 'http',
  ...(retryAfter ? { retryAfter } : {}),
});

describe('decideAttempt: one result → the message’s next state', () => {
  it('a 2xx is delivered', () => {
    expect(decideAttempt(http(204), ctx())).toEqual({
      status: 'delivered',
      failureKind: null,
      endpointGone: false,
    });
  });

  it('a failure waits for the next delay of the profile’s schedule, then dies when it is spent', () => {
    expect(decideAttempt(http(500), ctx())).toMatchObject({
      status: 'pending',
      nextAttemptAt: 1_000_000 + MIN,
    });
    expect(decideAttempt(http(500), ctx({ attemptNo: 12 }))).toMatchObject({ status: 'dead' });
    // After a replay the cycle starts again: attempt 13 of a message replayed at 12 is a first retry.
    expect(decideAttempt(http(500), ctx({ attemptNo: 13, cycleStart: 12 }))).toMatchObject({
      nextAttemptAt: 1_000_000 + MIN,
    });
  });

  it('Retry-After is a floor, capped', () => {
    expect(decideAttempt(http(429, '600'), ctx())).toMatchObject({ nextAttemptAt: 1_000_000 + 10 * MIN });
    expect(decideAttempt(http(503, '86400'), ctx({ maxRetryAfterMs: HOUR }))).toMatchObject({
      nextAttemptAt: 1_000_000 + HOUR,
    });
  });

  it('410: retried on the stripe and slack profiles, final (and the endpoint gone) on standard', () => {
    expect(decideAttempt(http(410), ctx({ profile: 'stripe' }))).toMatchObject({
      status: 'pending',
      failureKind: 'gone',
      endpointGone: false,
    });
    expect(decideAttempt(http(410), ctx({ profile: 'slack' }))).toMatchObject({ status: 'pending' });
    expect(decideAttempt(http(410), ctx({ profile: 'standard' }))).toEqual({
      status: 'dead',
      failureKind: 'gone',
      endpointGone: true,
    });
  });

  it('a DNS failure is retried; an address the guard refuses is final', () => {
    const refused = (refusal: string): AttemptFacts => ({
      ok: false,
      statusCode: null,
      transportFailure: null,
      refusal,
    });
    expect(decideAttempt(refused('dns_error'), ctx())).toMatchObject({
      status: 'pending',
      failureKind: 'dns',
    });
    expect(decideAttempt(refused('ssrf_blocked'), ctx())).toMatchObject({
      status: 'dead',
      failureKind: 'ssrf',
    });
    expect(classifyFailure(refused(''), 'standard')).toEqual({
      failureKind: 'ssrf',
      final: true,
      endpointGone: false,
    });
    const timeout: AttemptFacts = { ok: false, statusCode: null, transportFailure: 'timeout' };
    expect(classifyFailure(timeout, 'stripe')).toMatchObject({ failureKind: 'timeout', final: false });
  });

  it('keeps jitter within ±10 %: Slack’s “1 min, then 5 min” stays that', () => {
    const slack = (random: number, attemptNo: number) =>
      (decideAttempt(http(500), ctx({ profile: 'slack', attemptNo, random })) as { nextAttemptAt: number })
        .nextAttemptAt - 1_000_000;
    expect(slack(0, 1)).toBe(0); // Slack's first retry is immediate by design
    expect(slack(0, 2)).toBe(54_000);
    expect(slack(0.999_999, 2)).toBeLessThanOrEqual(66_000);
    expect(slack(0, 3)).toBe(270_000);
  });
});

describe('endpoint health: judged by time failing, never by a count', () => {
  const window = 3 * DAY;

  it('a burst of failures within milliseconds stays `failing`', () => {
    let health = HEALTHY;
    let verdict = '';
    for (let i = 0; i < 10_000; i++) {
      ({ health, verdict } = nextEndpointHealth(health, { ok: false, at: 5_000 + (i % 110) }, window));
    }
    expect(verdict).toBe('failing');
    expect(health.failingSince).toBe(5_000);
  });

  it('reports `disable` once failures have lasted the whole window with no success', () => {
    let { health } = nextEndpointHealth(HEALTHY, { ok: false, at: 0 }, window);
    for (let at = 12 * HOUR; at < window; at += 12 * HOUR) {
      const step = nextEndpointHealth(health, { ok: false, at }, window);
      expect(step.verdict).toBe('failing');
      health = step.health;
    }
    expect(nextEndpointHealth(health, { ok: false, at: window }, window)).toMatchObject({
      verdict: 'disable',
      health: { failingSince: 0, lastFailureAt: window },
    });
  });

  it('a success ends the run: the next failure starts a new one', () => {
    let { health } = nextEndpointHealth(HEALTHY, { ok: false, at: 0 }, window);
    ({ health } = nextEndpointHealth(health, { ok: true, at: 2 * DAY }, window));
    expect(health).toEqual({ failingSince: null, lastFailureAt: 0, lastSuccessAt: 2 * DAY });
    const next = nextEndpointHealth(health, { ok: false, at: window + 1 }, window);
    expect(next).toMatchObject({ verdict: 'failing', health: { failingSince: window + 1 } });
  });

  it('a silence longer than the window is no evidence: the run starts again', () => {
    const { health } = nextEndpointHealth(HEALTHY, { ok: false, at: 0 }, window);
    const next = nextEndpointHealth(health, { ok: false, at: window + 1 }, window);
    expect(next).toMatchObject({ verdict: 'failing', health: { failingSince: window + 1 } });
  });

  it('windows per profile, compressed by 60 in local mode like the schedules', () => {
    expect(healthWindowMs('stripe', 'real')).toBe(3 * DAY);
    expect(healthWindowMs('standard', 'real')).toBe(5 * DAY);
    expect(healthWindowMs('slack', 'real')).toBe(HOUR);
    expect(healthWindowMs('stripe', 'local')).toBe(72 * MIN);
    expect(healthWindowMs('standard', 'local')).toBe(2 * HOUR);
    expect(healthWindowMs('slack', 'local')).toBe(MIN);
  });

  it('merging two views: latest success wins, a run counts only from after it', () => {
    const a = { failingSince: 100, lastFailureAt: 400, lastSuccessAt: 50 };
    const b = { failingSince: 300, lastFailureAt: 350, lastSuccessAt: 200 };
    expect(mergeEndpointHealth(a, b)).toEqual({ failingSince: 300, lastFailureAt: 400, lastSuccessAt: 200 });
    expect(mergeEndpointHealth(b, a)).toEqual(mergeEndpointHealth(a, b));
    const healthy = { failingSince: null, lastFailureAt: 350, lastSuccessAt: 500 };
    expect(mergeEndpointHealth(a, healthy)).toEqual({
      failingSince: null,
      lastFailureAt: 400,
      lastSuccessAt: 500,
    });
    expect(mergeEndpointHealth(HEALTHY, a)).toEqual(a);
  });
});

describe('the outcome rules the dispatcher applies', () => {
  const retry = decideAttempt(http(500), ctx());

  it('attemptOutcome: a retry for an endpoint set aside (disabled meanwhile) ends failed, kept for replay', () => {
    expect(attemptOutcome(retry, false)).toEqual({ outcome: 'retry', nextAttemptAt: 1_000_000 + MIN });
    expect(attemptOutcome(retry, true)).toEqual({ outcome: 'failed', nextAttemptAt: null });
    expect(attemptOutcome(decideAttempt(http(200), ctx()), true)).toEqual({
      outcome: 'delivered',
      nextAttemptAt: null,
    });
    const gone = decideAttempt(http(410), ctx({ profile: 'standard' }));
    expect(attemptOutcome(gone, false)).toEqual({ outcome: 'dead', nextAttemptAt: null });
  });

  it('sentFacts / refusedFacts: what the transport or the SSRF guard said, as facts', () => {
    const result = {
      ok: false,
      statusCode: 429,
      failureKind: 'http' as const,
      headers: { 'retry-after': '30' },
      excerpt: '',
      durationMs: 3,
    };
    expect(sentFacts(result)).toEqual({
      ok: false,
      statusCode: 429,
      transportFailure: 'http',
      retryAfter: '30',
    });
    expect(classifyFailure(refusedFacts('dns_error'), 'stripe')).toMatchObject({
      failureKind: 'dns',
      final: false,
    });
    expect(classifyFailure(refusedFacts(undefined), 'stripe')).toMatchObject({
      failureKind: 'ssrf',
      final: true,
    });
  });

  it('healthWindowFor: an override applies as given, per profile or for all', () => {
    expect(healthWindowFor('slack', 'local')).toBe(healthWindowMs('slack', 'local'));
    expect(healthWindowFor('slack', 'real', 5000)).toBe(5000);
    expect(healthWindowFor('slack', 'real', { stripe: 5000 })).toBe(60 * MIN);
  });

  it('quietWindowMs: no shorter than the window, the Retry-After cap or the longest delay with jitter', () => {
    expect(quietWindowMs('stripe', 'real', 3 * DAY, 6 * HOUR)).toBe(3 * DAY);
    expect(quietWindowMs('stripe', 'real', MIN, 6 * HOUR)).toBe(Math.ceil(12 * HOUR * 1.1));
    expect(quietWindowMs('slack', 'local', 1000, 60_000)).toBe(60_000);
  });

  it('healthWorthSaving: on a change of run, else at most every window/16 per kind of outcome', () => {
    const failing = { failingSince: 100, lastFailureAt: 100, lastSuccessAt: null };
    expect(healthWorthSaving(null, failing, { ok: false, at: 100 }, 1600)).toBe(true);
    const later = { ...failing, lastFailureAt: 150 };
    expect(healthWorthSaving(failing, later, { ok: false, at: 150 }, 1600)).toBe(false);
    expect(healthWorthSaving(failing, later, { ok: false, at: 200 }, 1600)).toBe(true);
    const healed = { failingSince: null, lastFailureAt: 150, lastSuccessAt: 160 };
    expect(healthWorthSaving(failing, healed, { ok: true, at: 160 }, 1600)).toBe(true);
  });
});

describe('X-Slack-No-Retry', () => {
  const noRetry = (statusCode: number): AttemptFacts => ({ ...http(statusCode), noRetry: true });

  it('sentFacts reads the header; only `1` counts', () => {
    const result = (headers: Record<string, string>) =>
      sentFacts({ ok: false, statusCode: 500, failureKind: 'http', headers, excerpt: '', durationMs: 1 });
    expect(result({ 'x-slack-no-retry': '1' }).noRetry).toBe(true);
    expect(result({ 'x-slack-no-retry': '0' }).noRetry).toBeUndefined();
    expect(result({}).noRetry).toBeUndefined();
  });

  it('ends a slack message at once (dead, not gone), and is ignored by the other profiles', () => {
    expect(decideAttempt(noRetry(500), ctx({ profile: 'slack' }))).toEqual({
      status: 'dead',
      failureKind: 'http',
      endpointGone: false,
    });
    expect(decideAttempt(noRetry(500), ctx({ profile: 'stripe' }))).toMatchObject({ status: 'pending' });
    expect(decideAttempt(noRetry(500), ctx({ profile: 'standard' }))).toMatchObject({ status: 'pending' });
    expect(decideAttempt({ ...http(200), noRetry: true }, ctx({ profile: 'slack' }))).toMatchObject({
      status: 'delivered',
    });
  });
});
