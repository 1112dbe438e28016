// Claim scheduling: when to claim (wake-ups, one timer for retries and the fallback poll), how much
// (free slots, prefetch, per-endpoint room), and starting claimed messages as slots free up.
import { isAbortError, sleep } from '../sleep.ts';
import { ClaimQueue } from './claim-queue.ts';
import type { DispatcherSettings } from './dispatcher-settings.ts';
import { earliestRetry, type GroupCommit } from './group-commit.ts';
import type { ClaimRequest, ClaimResult, Completion, OutboxMessage } from './types.ts';

export interface ClaimScheduler {
  readonly running: boolean;
  readonly inFlight: number;
  inFlightIds(): string[];
  /** Starts claiming: subscribes to the store's wake-ups and takes a first turn. */
  start(): Promise<void>;
  /** Something may have become due (enqueue elsewhere, replay): claim on the next turn. */
  notify(): void;
  /** One coalesced turn on the next tick of the event loop: start, flush and claim together. */
  requestTurn(): void;
  /** After a group commit: retries that fell due already get a turn, later ones the timer. */
  committed(batch: readonly Completion[]): void;
  /** Stops claiming, waits for a running turn, and returns the claims that never started. */
  halt(): Promise<OutboxMessage[]>;
  /** Waits up to `ms` for the deliveries in flight to finish. */
  drain(ms: number): Promise<void>;
}

export interface ClaimSchedulerDeps {
  settings: DispatcherSettings;
  commit: GroupCommit;
  /** Delivers one claimed message (never rejects in practice; a rejection is logged). */
  deliver(message: OutboxMessage): Promise<void>;
  claimed(count: number): void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createClaimScheduler({
  settings,
  commit,
  deliver,
  claimed,
}: ClaimSchedulerDeps): ClaimScheduler {
  const { store, clock, logger, workerId, concurrency, perEndpoint, prefetch, lowWater } = settings;
  const queue = new ClaimQueue();
  const inFlight = new Map<string, string>(); // message id → endpoint id
  let running = false;

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
  let drained: (() => void) | null = null;

  function requestTurn() {
    if (tickScheduled) return;
    tickScheduled = true;
    setImmediate(() => {
      tickScheduled = false;
      void tick();
    });
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
      requestTurn();
    }, at - clock.now());
  }

  function committed(batch: readonly Completion[]) {
    const at = earliestRetry(batch);
    if (at === null) return;
    if (at <= clock.now()) {
      markDue();
      requestTurn();
    } else armTimer(at);
  }

  function claimRequest(now: number): ClaimRequest | null {
    if (!running || exhausted || queue.size >= lowWater) return null;
    const room = concurrency + prefetch - inFlight.size - queue.size;
    if (room <= 0) return null;
    return {
      now,
      limit: Math.min(settings.batchSize, room),
      owner: workerId,
      leaseMs: settings.leaseMs,
      endpointSlots: queue.endpointSlots(perEndpoint),
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
          const batch = commit.take();
          uncommitted = batch;
          result = await store.completeAndClaim(batch, request);
          uncommitted = null;
          committed(batch);
        } else {
          commit.flush();
          result = await store.claim(request);
        }
        exhausted = result.exhausted && seqAtClaim === dueSeq;
        claimedAny = true;
        claimed(result.messages.length);
        for (const message of result.messages) queue.hold(message);
        fill();
        if (result.messages.length === 0 && !tickAgain) break;
      } while (running);
      commit.flush();
      if (running && claimedAny) {
        const now = clock.now();
        let at = now + settings.pollMs;
        if (exhausted) {
          const next = await store.nextDueAt();
          // Due already yet not taken: another worker is claiming it right now, so look again soon.
          // Due later: wake exactly then (a 25 ms floor there would delay a retry due sooner).
          if (next !== null) at = Math.min(at, next > now ? next : now + 25);
        }
        armTimer(at);
      } else if (running && timer === null) armTimer(clock.now() + settings.pollMs);
    } catch (error) {
      // Outcomes that rolled back with the claim are written by the next group commit instead.
      if (uncommitted) commit.putBack(uncommitted);
      logger?.error({ err: error, workerId }, 'outbox claim failed');
      armTimer(clock.now() + settings.pollMs);
    } finally {
      ticking = false;
      // A wake-up that arrived while this tick awaited its last query gets its own turn.
      if (tickAgain && running) {
        tickAgain = false;
        requestTurn();
      }
    }
  }

  /** Starts queued claims while total slots are free. */
  function fill() {
    let stale: string[] | undefined;
    while (running && inFlight.size < concurrency) {
      const message = queue.next();
      if (message === undefined) break;
      // A claim that waited so long that its attempt could outlive the lease goes back, unsent.
      if (message.nextAttemptAt - clock.now() <= settings.timeoutMs) {
        queue.release(message.endpointId);
        if (stale === undefined) stale = [];
        stale.push(message.id);
        continue;
      }
      startDelivery(message);
    }
    if (stale !== undefined) {
      const ids = stale;
      commit.track(
        store
          .release(ids, workerId, clock.now())
          .then(() => {
            markDue();
            requestTurn();
          })
          .catch((error) => logger?.error({ err: error, count: ids.length }, 'outbox release failed')),
      );
    }
  }

  function startDelivery(message: OutboxMessage) {
    inFlight.set(message.id, message.endpointId);
    deliver(message)
      .catch((error) => logger?.error({ err: error, messageId: message.id }, 'delivery crashed'))
      .finally(() => {
        inFlight.delete(message.id);
        queue.release(message.endpointId);
        if (inFlight.size === 0) drained?.();
        fill();
        if (!exhausted && queue.size < lowWater) requestTurn();
      });
  }

  const idle = async () => {
    while (ticking) await nextTurn();
  };

  return {
    get running() {
      return running;
    },
    get inFlight() {
      return inFlight.size;
    },
    inFlightIds: () => [...inFlight.keys()],

    async start() {
      running = true;
      markDue();
      unsubscribe = store.subscribe(wake);
      if (store.listen) unlisten = await store.listen(wake);
      requestTurn();
    },

    notify() {
      markDue();
      requestTurn();
    },

    requestTurn,
    committed,

    async halt() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
      const stopListening = unlisten;
      unlisten = null;
      await stopListening?.().catch(() => undefined);
      await idle();
      return queue.drain();
    },

    async drain(ms) {
      if (inFlight.size > 0) {
        const done = new AbortController();
        drained = () => done.abort();
        await sleep(ms, done.signal).catch((error) => {
          if (!isAbortError(error)) throw error;
        });
        drained = null;
      }
      await idle();
    },
  };
}
