// The at-least-once dispatcher: claims due messages in batches, delivers them with bounded
// concurrency (in total and per endpoint), and writes outcomes back in group commits. Its jobs live
// in their own modules: claim-scheduler, attempt, policy (outcomes), endpoint-health, group-commit, shutdown.
import { type Counters, createAttemptRunner } from './attempt.ts';
import { type ClaimScheduler, createClaimScheduler } from './claim-scheduler.ts';
import { dispatcherSettings } from './dispatcher-settings.ts';
import type { Dispatcher, DispatcherOptions } from './dispatcher-types.ts';
import { createEndpointHealthTracker } from './endpoint-health.ts';
import { OutboxInputError } from './errors.ts';
import { createGroupCommit } from './group-commit.ts';
import { shutdown } from './shutdown.ts';
import { requireId, requireTime } from './validate.ts';

export type {
  AttemptEvent,
  Dispatcher,
  DispatcherOptions,
  DispatcherStats,
  EndpointTarget,
  SsrfGuard,
  SsrfVerdict,
} from './dispatcher-types.ts';

/** Creates an at-least-once dispatcher over an outbox store; call `start()` to begin delivering. */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const settings = dispatcherSettings(options);
  const { store, clock, workerId } = settings;
  const counters: Counters = {
    claimed: 0,
    attempts: 0,
    delivered: 0,
    retried: 0,
    dead: 0,
    failed: 0,
    canceled: 0,
  };

  // The scheduler and the group commit call each other (a commit may need a turn, a turn commits).
  let scheduler: ClaimScheduler;
  const commit = createGroupCommit({
    store,
    size: settings.groupCommitSize,
    logger: settings.logger,
    requestTurn: () => scheduler.requestTurn(),
    committed: (batch) => scheduler.committed(batch),
  });
  const health = createEndpointHealthTracker({
    settings,
    options,
    commit,
    setAsideCount: (count) => {
      counters.failed += count;
    },
  });
  const deliver = createAttemptRunner({ settings, options, health, commit, counters });
  scheduler = createClaimScheduler({
    settings,
    commit,
    deliver,
    claimed: (count) => {
      counters.claimed += count;
    },
  });

  let stopping: Promise<void> | null = null;

  return {
    workerId,

    async start() {
      if (scheduler.running) return;
      if (stopping) await stopping;
      await scheduler.start();
    },

    stop({ drainMs = 10_000 } = {}) {
      if (!Number.isFinite(drainMs) || drainMs < 0) {
        return Promise.reject(new OutboxInputError('stop', ['drainMs: expected a number ≥ 0']));
      }
      if (!scheduler.running) return stopping ?? Promise.resolve();
      stopping = shutdown(settings, scheduler, commit, drainMs).finally(() => {
        stopping = null;
      });
      return stopping;
    },

    notify() {
      scheduler.notify();
    },

    async replay(messageId) {
      const replayed = await store.replay(requireId(messageId, 'replay'), clock.now());
      if (replayed) scheduler.notify();
      return replayed;
    },

    async replaySince(since, filter = {}) {
      // The store checks the filter (endpointId, includeDelivered).
      const count = await store.replaySince(requireTime(since, 'replaySince'), clock.now(), filter);
      if (count > 0) scheduler.notify();
      return count;
    },

    stats: () => ({ running: scheduler.running, inFlight: scheduler.inFlight, ...counters }),
    storeStats: () => store.stats(),
  };
}
