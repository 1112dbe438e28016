// The dispatcher's public vocabulary: its options, its stats, and what it reports per attempt.
import type { Transport } from '../transport/types.ts';
import type {
  AttemptContext,
  AttemptDecision,
  AttemptFacts,
  AttemptOutcome,
  EndpointHealth,
} from './policy.ts';
import type { RetryMode } from './schedules.ts';
import type { SigningScheme } from './signing.ts';
import type {
  AttemptRecord,
  Clock,
  Logger,
  OutboxMessage,
  OutboxStats,
  OutboxStore,
  ReplayFilter,
  RetryProfile,
} from './types.ts';

/** What `resolveEndpoint` returns: the endpoint as it is now (null = deleted). */
export interface EndpointTarget {
  url: string;
  secrets: string[];
  scheme: SigningScheme;
  enabled: boolean;
}

/** Structurally the result of `checkUrl` from `src/ssrf`. */
export type SsrfVerdict =
  | { ok: true; addresses?: readonly string[] }
  | { ok: false; code?: string; reason: string };

export interface SsrfGuard {
  /** A verdict it already knows may come back synchronously (no promise per attempt). */
  check(url: string): SsrfVerdict | Promise<SsrfVerdict>;
}

export interface AttemptEvent {
  message: OutboxMessage;
  attempt: AttemptRecord;
  /** `failed`: the attempt failed while its endpoint was being disabled, so no retry is scheduled. */
  outcome: AttemptOutcome;
  nextAttemptAt: number | null;
  /** The `traceparent` this attempt sent (its own span under the message's), null without a trace. */
  traceparent: string | null;
}

export interface DispatcherOptions {
  store: OutboxStore;
  clock?: Clock;
  transport?: Transport;
  /** Deliveries in flight at once, all endpoints together. */
  concurrency?: number;
  perEndpointConcurrency?: number;
  /** Most messages taken per claim transaction; defaults to `concurrency`. */
  batchSize?: number;
  /**
   * Claimed messages kept ready beyond the ones in flight, so a freed slot starts the next delivery at
   * once and claims come in batches rather than one per freed slot. Default `min(batchSize, concurrency)`;
   * at most `concurrency` (a queued claim then waits for at most one `timeoutMs`, within its lease); 0 = off.
   */
  prefetch?: number;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** `local` (default) compresses every retry profile so a person sees retries within seconds. */
  retrySchedule?: RetryMode;
  /** How long a claim is held before another worker may take the message; must exceed `timeoutMs`. */
  leaseMs?: number;
  /** Fallback poll for retries falling due and work enqueued by other processes. */
  pollMs?: number;
  /** Upper bound on an honoured `Retry-After`. */
  maxRetryAfterMs?: number;
  /** Outcomes are written in one transaction once this many are waiting (or on the next turn). */
  groupCommitSize?: number;
  ssrf?: SsrfGuard;
  /**
   * The endpoint as it is now, asked before each attempt: a disabled endpoint's message becomes `failed`
   * (replayable), a deleted one's `canceled`.
   */
  resolveEndpoint?: (endpointId: string) => EndpointTarget | null | Promise<EndpointTarget | null>;
  onAttempt?: (event: AttemptEvent) => void;
  /**
   * Replaces the policy's `decideAttempt` (delivered, retry when, or dead) for this dispatcher: the workshop's
   * retry exercise plugs in here (see `decideWithRule`). Default: the profile's schedule.
   */
  decideAttempt?: (facts: AttemptFacts, ctx: AttemptContext) => AttemptDecision;
  /** A 410 answer where the message's profile treats 410 as final (`standard`); Stripe's retries it. */
  onEndpointGone?: (endpointId: string) => unknown;
  /**
   * The endpoint has failed with no success for its profile's health window (`healthWindowMs`): the
   * place to disable it. Called on each further failure while that lasts. Once `resolveEndpoint` says
   * the endpoint is disabled, its pending messages become `failed` and its health starts afresh.
   */
  onEndpointFailing?: (endpointId: string, health: EndpointHealth) => unknown;
  /**
   * How long an endpoint may fail continuously before `onEndpointFailing`. Default per profile (Stripe
   * 3 days, Standard Webhooks 5 days, Slack 60 min; divided by 60 in local mode like the schedules); a
   * number here applies to every profile as it is, not compressed.
   */
  healthWindowMs?: number | Partial<Record<RetryProfile, number>>;
  logger?: Logger;
  /** Jitter source, uniform in [0, 1); tests pass `() => 0.5` for the exact schedule (no jitter). */
  random?: () => number;
  workerId?: string;
}

export interface DispatcherStats {
  running: boolean;
  inFlight: number;
  claimed: number;
  attempts: number;
  delivered: number;
  retried: number;
  dead: number;
  failed: number;
  canceled: number;
}

export interface Dispatcher {
  readonly workerId: string;
  start(): Promise<void>;
  /** Stops claiming, waits up to `drainMs` for deliveries in flight, then hands unfinished claims back. */
  stop(options?: { drainMs?: number }): Promise<void>;
  /** Wakes the dispatcher now (enqueue on the same store does this by itself). */
  notify(): void;
  /** Sends one finished message again (delivered ones too: an explicit resend). */
  replay(messageId: string): Promise<boolean>;
  /**
   * Puts messages created since `since` back in line: by default those that never arrived (dead, failed,
   * canceled); `includeDelivered` adds delivered ones. E.g. an endpoint's backlog after re-enabling it.
   */
  replaySince(since: Date | number, filter?: ReplayFilter): Promise<number>;
  stats(): DispatcherStats;
  storeStats(): Promise<OutboxStats>;
}
