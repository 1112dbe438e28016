// The at-least-once dispatcher: claims due messages in batches, delivers them with bounded
// concurrency (in total and per endpoint), and writes outcomes back in group commits.
import { randomBytes } from 'node:crypto';
import { createHttpTransport } from '../transport/http-transport.ts';
import type { Transport, TransportResult } from '../transport/types.ts';
import { systemClock } from './clock.ts';
import { OutboxInputError } from './errors.ts';
import {
  type AttemptFacts,
  decideAttempt,
  type EndpointHealth,
  HEALTHY,
  healthVerdict,
  healthWindowMs,
  mergeEndpointHealth,
  nextEndpointHealth,
} from './policy.ts';
import { type AttemptTarget, attemptHeaders, attemptTraceparent } from './request.ts';
import { RETRY_JITTER, type RetryMode, retrySchedule } from './schedules.ts';
import type { SigningScheme } from './signing.ts';
import type {
  AttemptRecord,
  ClaimRequest,
  ClaimResult,
  Clock,
  Completion,
  EndpointHealthRow,
  Logger,
  OutboxMessage,
  OutboxStats,
  OutboxStore,
  ReplayFilter,
  RetryProfile,
} from './types.ts';
import { requireId, requireTime } from './validate.ts';

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
  check(url: string): Promise<SsrfVerdict>;
}

export interface AttemptEvent {
  message: OutboxMessage;
  attempt: AttemptRecord;
  /** `failed`: the attempt failed while its endpoint was being disabled, so no retry is scheduled. */
  outcome: 'delivered' | 'retry' | 'dead' | 'failed';
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

const positiveInt = (value: unknown, name: string, issues: string[]) => {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
    issues.push(`${name}: expected a positive integer`);
  }
};

/** Creates an at-least-once dispatcher over an outbox store; call `start()` to begin delivering. */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const issues: string[] = [];
  if (!options || typeof options !== 'object')
    throw new OutboxInputError('createDispatcher', ['options: expected an object']);
  if (!options.store || typeof options.store.claim !== 'function')
    issues.push('store: expected an OutboxStore');
  for (const name of [
    'concurrency',
    'perEndpointConcurrency',
    'batchSize',
    'timeoutMs',
    'maxResponseBytes',
    'leaseMs',
    'pollMs',
    'maxRetryAfterMs',
    'groupCommitSize',
  ] as const) {
    positiveInt(options[name], name, issues);
  }
  if ('failingThreshold' in options) {
    issues.push('failingThreshold: removed; endpoint health is judged by time failing (healthWindowMs)');
  }
  const windows = options.healthWindowMs;
  if (
    windows !== undefined &&
    (typeof windows === 'number'
      ? !Number.isInteger(windows) || windows < 1
      : typeof windows !== 'object' ||
        windows === null ||
        Object.entries(windows).some(
          ([k, v]) =>
            !['stripe', 'slack', 'standard'].includes(k) || !Number.isInteger(v) || (v as number) < 1,
        ))
  ) {
    issues.push('healthWindowMs: expected a positive integer, or one per profile (stripe, slack, standard)');
  }
  if (
    options.prefetch !== undefined &&
    (!Number.isInteger(options.prefetch) ||
      options.prefetch < 0 ||
      options.prefetch > (options.concurrency ?? 64))
  ) {
    issues.push('prefetch: expected an integer from 0 to concurrency');
  }
  if (
    options.retrySchedule !== undefined &&
    options.retrySchedule !== 'local' &&
    options.retrySchedule !== 'real'
  ) {
    issues.push("retrySchedule: expected 'local' or 'real'");
  }
  if (issues.length) throw new OutboxInputError('createDispatcher', issues);

  const store = options.store;
  const clock = options.clock ?? systemClock;
  const concurrency = options.concurrency ?? 64;
  const perEndpoint = options.perEndpointConcurrency ?? 16;
  const batchSize = options.batchSize ?? concurrency;
  const prefetch = options.prefetch ?? Math.min(batchSize, concurrency);
  // Claim again once fewer than this many claimed messages wait for a slot.
  const lowWater = Math.max(1, Math.ceil(prefetch / 2));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4096;
  const mode = options.retrySchedule ?? 'local';
  const leaseMs = options.leaseMs ?? Math.max(30_000, timeoutMs * 3);
  const pollMs = options.pollMs ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? (mode === 'real' ? 6 * 3600_000 : 60_000);
  const groupCommitSize = options.groupCommitSize ?? 256;
  const random = options.random ?? Math.random;
  const windowFor = (profile: RetryProfile): number =>
    typeof windows === 'number' ? windows : (windows?.[profile] ?? healthWindowMs(profile, mode));
  // The longest a failing endpoint can go unattempted while a message still waits for its retry.
  const quietFor = (profile: RetryProfile, windowMs: number): number =>
    Math.max(
      windowMs,
      maxRetryAfterMs,
      Math.ceil(Math.max(...retrySchedule(profile, mode)) * (1 + RETRY_JITTER)),
    );
  const logger = options.logger;
  const workerId = options.workerId ?? `wrk_${randomBytes(6).toString('hex')}`;
  const ownTransport = !options.transport;
  const transport =
    options.transport ??
    // Sockets per origin = total concurrency: several endpoints often share one origin (the per-endpoint
    // bound is the dispatcher's job), and a smaller pool would queue requests inside the agent.
    createHttpTransport({ timeoutMs, maxResponseBytes, maxSocketsPerOrigin: concurrency });
  if (leaseMs <= timeoutMs) {
    throw new OutboxInputError('createDispatcher', ['leaseMs: must be longer than timeoutMs']);
  }

  let running = false;
  let stopping: Promise<void> | null = null;
  const inFlight = new Map<string, string>(); // message id → endpoint id
  // Claimed, not yet started (FIFO; `queueHead` avoids O(n) shifts).
  let queue: OutboxMessage[] = [];
  let queueHead = 0;
  // Per endpoint: messages held by this worker, in flight or queued. Claims never exceed
  // `perEndpointConcurrency` per endpoint, so a queued message may start whenever a total slot frees.
  const endpointLoad = new Map<string, number>();
  const counters = { claimed: 0, attempts: 0, delivered: 0, retried: 0, dead: 0, failed: 0, canceled: 0 };
  // Endpoint health: this worker's view (merged with the store's on first failure and before a verdict),
  // `saved` what it last wrote. Writes happen on a change of run, else at most every window/16.
  interface HealthEntry {
    health: EndpointHealth;
    saved: EndpointHealth | null;
  }
  const healthOf = new Map<string, HealthEntry | Promise<HealthEntry>>();
  const unsavedHealth = new Map<string, EndpointHealthRow>();
  // Endpoints this worker saw disabled: an attempt already in flight then ends `failed`, not retried.
  const setAside = new Set<string>();

  let exhausted = false;
  // Bumped by everything that may have made a message due (enqueue, retry written, timer, notify), so a
  // claim that was already running when it happened cannot mark the store exhausted over it.
  let dueSeq = 0;
  const markDue = () => {
    exhausted = false;
    dueSeq++;
  };
  let ticking = false;
  let tickAgain = false;
  let tickScheduled = false;
  let timer: unknown = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let unsubscribe: (() => void) | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  let completions: Completion[] = [];
  const flushes = new Set<Promise<void>>();
  let drainWaiter: (() => void) | null = null;

  const queued = () => queue.length - queueHead;

  /** One coalesced tick per event-loop turn: start, flush and claim together. */
  function scheduleTick() {
    if (tickScheduled) return;
    tickScheduled = true;
    setImmediate(runTick);
  }

  function runTick() {
    tickScheduled = false;
    void tick();
  }

  function wake() {
    markDue();
    // Store wake-ups already arrive on their own turn (after the enqueue commit): no extra hop.
    if (running) void tick();
  }

  function armTimer(at: number) {
    if (!running) return;
    if (timer !== null && timerAt <= at) return;
    if (timer !== null) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      markDue();
      scheduleTick();
    }, at - clock.now());
  }

  function claimRequest(now: number): ClaimRequest | null {
    if (!running || exhausted || queued() >= lowWater) return null;
    const room = concurrency + prefetch - inFlight.size - queued();
    if (room <= 0) return null;
    const endpointSlots = new Map<string, number>();
    for (const [endpointId, load] of endpointLoad) endpointSlots.set(endpointId, perEndpoint - load);
    return {
      now,
      limit: Math.min(batchSize, room),
      owner: workerId,
      leaseMs,
      endpointSlots,
      perEndpointLimit: perEndpoint,
    };
  }

  async function tick(): Promise<void> {
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    let claimedAny = false;
    let uncommitted: Completion[] | null = null;
    try {
      do {
        tickAgain = false;
        fill();
        const request = claimRequest(clock.now());
        if (!request) break;
        const seqAtClaim = dueSeq;
        let result: ClaimResult;
        if (store.completeAndClaim) {
          // One transaction for the outcomes of this turn and the next claim (SQLite).
          const batch = takeCompletions();
          uncommitted = batch;
          result = await store.completeAndClaim(batch, request);
          uncommitted = null;
          afterComplete(batch);
        } else {
          flush();
          result = await store.claim(request);
        }
        exhausted = result.exhausted && seqAtClaim === dueSeq;
        claimedAny = true;
        for (const message of result.messages) hold(message);
        fill();
        if (result.messages.length === 0 && !tickAgain) break;
      } while (running);
      flush();
      if (running && claimedAny) {
        const now = clock.now();
        let at = now + pollMs;
        if (exhausted) {
          const next = await store.nextDueAt();
          // A due row we could not take is being claimed by another worker right now: look again soon.
          if (next !== null) at = Math.min(at, Math.max(next, now + 25));
        }
        armTimer(at);
      } else if (running && timer === null) armTimer(clock.now() + pollMs);
    } catch (error) {
      // Outcomes that rolled back with the claim are written by the next group commit instead.
      if (uncommitted?.length) completions = uncommitted.concat(completions);
      logger?.error({ err: error, workerId }, 'outbox claim failed');
      armTimer(clock.now() + pollMs);
    } finally {
      ticking = false;
      // A wake-up that arrived while this tick awaited its last query gets its own turn.
      if (tickAgain && running) {
        tickAgain = false;
        scheduleTick();
      }
    }
  }

  function hold(message: OutboxMessage) {
    counters.claimed++;
    endpointLoad.set(message.endpointId, (endpointLoad.get(message.endpointId) ?? 0) + 1);
    queue.push(message);
  }

  function unhold(endpointId: string) {
    const load = (endpointLoad.get(endpointId) ?? 1) - 1;
    if (load <= 0) endpointLoad.delete(endpointId);
    else endpointLoad.set(endpointId, load);
  }

  /** Starts queued claims while total slots are free. */
  function fill() {
    let stale: string[] | undefined;
    while (running && inFlight.size < concurrency && queueHead < queue.length) {
      const message = queue[queueHead]!;
      queue[queueHead++] = undefined as unknown as OutboxMessage;
      if (queueHead === queue.length) {
        queue = [];
        queueHead = 0;
      } else if (queueHead >= 1024 && queueHead * 2 >= queue.length) {
        queue = queue.slice(queueHead);
        queueHead = 0;
      }
      // A claim that waited so long that its attempt could outlive the lease goes back, unsent.
      if (message.nextAttemptAt - clock.now() <= timeoutMs) {
        unhold(message.endpointId);
        if (stale === undefined) stale = [];
        stale.push(message.id);
        continue;
      }
      start(message);
    }
    if (stale !== undefined) {
      const ids = stale;
      track(
        store
          .release(ids, workerId, clock.now())
          .then(() => {
            markDue();
            scheduleTick();
          })
          .catch((error) => logger?.error({ err: error, count: ids.length }, 'outbox release failed')),
      );
    }
  }

  function start(message: OutboxMessage) {
    inFlight.set(message.id, message.endpointId);
    deliver(message)
      .catch((error) => logger?.error({ err: error, messageId: message.id }, 'delivery crashed'))
      .finally(() => {
        inFlight.delete(message.id);
        unhold(message.endpointId);
        if (inFlight.size === 0 && drainWaiter) drainWaiter();
        fill();
        if (!exhausted && queued() < lowWater) scheduleTick();
      });
  }

  async function deliver(message: OutboxMessage): Promise<void> {
    // Counted by the claim, before anything is sent (see OutboxMessage.attempts).
    const attemptNo = message.attempts;
    let target: AttemptTarget = {
      url: message.url,
      scheme: message.signing.scheme,
      secrets: message.signing.secrets,
    };

    if (options.resolveEndpoint) {
      const endpoint = await options.resolveEndpoint(message.endpointId);
      if (!endpoint?.enabled) {
        // Disabled: kept as failed, for a replay once it is enabled again. Deleted: nowhere to send.
        const status = endpoint ? 'failed' : 'canceled';
        counters[status]++;
        queueCompletion({ id: message.id, owner: workerId, attempt: null, status });
        return;
      }
      if (setAside.size > 0) setAside.delete(message.endpointId); // enabled again
      target = { url: endpoint.url, scheme: endpoint.scheme, secrets: endpoint.secrets };
    }

    const startedAt = clock.now();
    const traceparent = message.traceparent ? attemptTraceparent(message.traceparent) : null;
    let result: TransportResult;
    let facts: AttemptFacts;
    const verdict = options.ssrf ? await options.ssrf.check(target.url) : null;
    if (verdict && !verdict.ok) {
      result = {
        ok: false,
        statusCode: null,
        failureKind: null,
        headers: {},
        excerpt: verdict.reason,
        durationMs: 0,
      };
      facts = { ok: false, statusCode: null, transportFailure: null, refusal: verdict.code ?? '' };
    } else {
      result = await transport.send({
        url: target.url,
        headers: attemptHeaders(message, target, attemptNo, startedAt, traceparent),
        body: message.body,
        timeoutMs,
        maxResponseBytes,
        addresses: verdict?.ok ? verdict.addresses : undefined,
      });
      facts = {
        ok: result.ok,
        statusCode: result.statusCode,
        transportFailure: result.failureKind,
        retryAfter: result.headers['retry-after'],
      };
    }
    counters.attempts++;
    const now = clock.now();
    const decision = decideAttempt(facts, {
      profile: message.profile,
      mode,
      attemptNo,
      cycleStart: message.cycleStart,
      now,
      maxRetryAfterMs,
      random: random(),
    });

    const attempt: AttemptRecord = {
      messageId: message.id,
      attemptNo,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      ok: result.ok,
      failureKind: decision.failureKind,
      responseExcerpt: result.excerpt,
      responseHeaders: result.headers,
    };
    // Health first: if this failure gets the endpoint disabled, the message is set aside, not retried.
    if (decision.endpointGone) {
      await endpointDown(message.endpointId, () => options.onEndpointGone?.(message.endpointId));
    } else if (!setAside.has(message.endpointId)) await recordHealth(message, result.ok, now);

    const base = { id: message.id, owner: workerId, attempt };
    let outcome: AttemptEvent['outcome'];
    let nextAttemptAt: number | null = null;
    if (decision.status !== 'pending') {
      outcome = decision.status;
      queueCompletion({ ...base, status: outcome });
    } else if (setAside.has(message.endpointId)) {
      outcome = 'failed';
      queueCompletion({ ...base, status: outcome });
    } else {
      nextAttemptAt = decision.nextAttemptAt;
      outcome = 'retry';
      queueCompletion({ ...base, status: 'pending', nextAttemptAt });
    }
    counters[outcome === 'retry' ? 'retried' : outcome]++;
    if (options.onAttempt) {
      const event: AttemptEvent = { message, attempt, outcome, nextAttemptAt, traceparent };
      safely(() => options.onAttempt?.(event));
    }
  }

  /** This worker's view of an endpoint's health; on a first failure, what the store knows is merged in. */
  function healthEntry(endpointId: string, load: boolean): HealthEntry | Promise<HealthEntry> {
    const known = healthOf.get(endpointId);
    if (known) return known;
    if (!load) {
      const fresh = { health: HEALTHY, saved: null };
      healthOf.set(endpointId, fresh);
      return fresh;
    }
    const loading = store.loadEndpointHealth([endpointId]).then(
      ([row]) => ({ health: row ? mergeEndpointHealth(HEALTHY, row) : HEALTHY, saved: row ?? null }),
      (error) => {
        logger?.warn({ err: error, endpointId }, 'endpoint health not loaded');
        return { health: HEALTHY, saved: null };
      },
    );
    const entry = loading.then((e) => {
      healthOf.set(endpointId, e);
      return e;
    });
    healthOf.set(endpointId, entry);
    return entry;
  }

  async function recordHealth(message: OutboxMessage, ok: boolean, now: number) {
    const id = message.endpointId;
    const windowMs = windowFor(message.profile);
    const entry = await healthEntry(id, !ok);
    const quietMs = quietFor(message.profile, windowMs);
    const { health, verdict } = nextEndpointHealth(entry.health, { ok, at: now }, windowMs, quietMs);
    entry.health = health;
    const saved = entry.saved;
    const every = windowMs / 16;
    if (
      !saved ||
      saved.failingSince !== health.failingSince ||
      now - ((ok ? saved.lastSuccessAt : saved.lastFailureAt) ?? Number.NEGATIVE_INFINITY) >= every
    ) {
      entry.saved = health;
      unsavedHealth.set(id, { endpointId: id, ...health });
      scheduleTick();
    }
    if (verdict !== 'disable' || !options.onEndpointFailing) return;
    // Another worker may have delivered to it meanwhile: judge on everything the store knows.
    const [stored] = await store.loadEndpointHealth([id]).catch(() => []);
    const merged = stored ? mergeEndpointHealth(entry.health, stored) : entry.health;
    entry.health = merged;
    if (healthVerdict(merged, now, windowMs) !== 'disable') return;
    await endpointDown(id, () => options.onEndpointFailing?.(id, merged));
  }

  /** After telling the app: if it disabled the endpoint, its queued messages become failed, its health resets. */
  async function endpointDown(endpointId: string, tell: () => unknown) {
    try {
      await tell();
    } catch (error) {
      logger?.warn({ err: error, endpointId }, 'dispatcher callback threw');
    }
    if (!options.resolveEndpoint) return;
    try {
      const endpoint = await options.resolveEndpoint(endpointId);
      if (!endpoint || endpoint.enabled) return;
      setAside.add(endpointId);
      const failed = await store.failPending(endpointId);
      counters.failed += failed;
      healthOf.delete(endpointId);
      unsavedHealth.delete(endpointId);
      await store.clearEndpointHealth(endpointId);
    } catch (error) {
      logger?.error({ err: error, endpointId }, "could not set aside a disabled endpoint's messages");
    }
  }

  function safely(fn: () => void) {
    try {
      fn();
    } catch (error) {
      logger?.warn({ err: error }, 'dispatcher callback threw');
    }
  }

  function queueCompletion(completion: Completion) {
    completions.push(completion);
    if (completions.length >= groupCommitSize) flush();
    else scheduleTick();
  }

  function takeCompletions(): Completion[] {
    if (completions.length === 0) return completions;
    const batch = completions;
    completions = [];
    return batch;
  }

  /** After a group commit: retries that fell due already get a tick, later ones the timer. */
  function afterComplete(batch: readonly Completion[]) {
    let earliestRetry = Number.POSITIVE_INFINITY;
    for (const c of batch)
      if (c.status === 'pending' && c.nextAttemptAt < earliestRetry) earliestRetry = c.nextAttemptAt;
    if (earliestRetry === Number.POSITIVE_INFINITY) return;
    if (earliestRetry <= clock.now()) {
      markDue();
      scheduleTick();
    } else armTimer(earliestRetry);
  }

  function track(work: Promise<void>) {
    const done = work.finally(() => flushes.delete(done));
    flushes.add(done);
  }

  function flush() {
    if (unsavedHealth.size > 0) {
      const rows = [...unsavedHealth.values()];
      unsavedHealth.clear();
      track(
        store
          .saveEndpointHealth(rows)
          .catch((error) => logger?.warn({ err: error, count: rows.length }, 'endpoint health not saved')),
      );
    }
    if (completions.length === 0) return;
    const batch = takeCompletions();
    track(
      store
        .complete(batch)
        .then(() => afterComplete(batch))
        // The claims stay leased; when the lease runs out another pass delivers them again (at-least-once).
        .catch((error) => logger?.error({ err: error, count: batch.length }, 'outbox group commit failed')),
    );
  }

  async function stopNow(drainMs: number) {
    running = false;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    unsubscribe?.();
    unsubscribe = null;
    const stopListening = unlisten;
    unlisten = null;
    await stopListening?.().catch(() => undefined);
    while (ticking) await new Promise((r) => setImmediate(r));
    // Claims that never started go back at once.
    const unstarted = queue.slice(queueHead);
    queue = [];
    queueHead = 0;
    for (const message of unstarted) unhold(message.endpointId);

    if (inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, drainMs);
        drainWaiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      drainWaiter = null;
    }
    while (ticking) await new Promise((r) => setImmediate(r));
    flush();
    await Promise.all([...flushes]);
    // Unstarted claims give their attempt back; one still in flight may have arrived, so it keeps it.
    if (unstarted.length > 0)
      await store.release(
        unstarted.map((m) => m.id),
        workerId,
        clock.now(),
      );
    if (inFlight.size > 0) await store.release([...inFlight.keys()], workerId, clock.now(), { sent: true });
    if (ownTransport) transport.close();
  }

  return {
    workerId,

    async start() {
      if (running) return;
      if (stopping) await stopping;
      running = true;
      markDue();
      unsubscribe = store.subscribe(wake);
      if (store.listen) unlisten = await store.listen(wake);
      scheduleTick();
    },

    stop({ drainMs = 10_000 } = {}) {
      if (!Number.isFinite(drainMs) || drainMs < 0) {
        return Promise.reject(new OutboxInputError('stop', ['drainMs: expected a number ≥ 0']));
      }
      if (!running) return stopping ?? Promise.resolve();
      stopping = stopNow(drainMs).finally(() => {
        stopping = null;
      });
      return stopping;
    },

    notify() {
      markDue();
      scheduleTick();
    },

    async replay(messageId) {
      const replayed = await store.replay(requireId(messageId, 'replay'), clock.now());
      if (replayed) this.notify();
      return replayed;
    },

    async replaySince(since, filter = {}) {
      // The store checks the filter (endpointId, includeDelivered).
      const count = await store.replaySince(requireTime(since, 'replaySince'), clock.now(), filter);
      if (count > 0) this.notify();
      return count;
    },

    stats: () => ({ running, inFlight: inFlight.size, ...counters }),
    storeStats: () => store.stats(),
  };
}
