// Outcomes wait here and are written together: one transaction per event-loop turn (or per
// `groupCommitSize`), with the endpoint health rows that changed meanwhile.
import type { Completion, EndpointHealthRow, Logger, OutboxStore } from './types.ts';

export interface GroupCommit {
  add(completion: Completion): void;
  /** Hands the waiting outcomes to a caller that writes them itself (`completeAndClaim`). */
  take(): Completion[];
  /** Outcomes whose write rolled back: written by the next commit instead. */
  putBack(batch: Completion[]): void;
  saveHealth(row: EndpointHealthRow): void;
  forgetHealth(endpointId: string): void;
  /** Starts writing what waits (does not wait for it). */
  flush(): void;
  /** Keeps `work` among the writes that `settled()` waits for. */
  track(work: Promise<void>): void;
  settled(): Promise<void>;
}

export interface GroupCommitDeps {
  store: OutboxStore;
  size: number;
  logger: Logger | undefined;
  /** Asks for a dispatcher turn, which flushes (coalesced). */
  requestTurn(): void;
  /** After a batch was written (retries in it may now need a timer). */
  committed(batch: readonly Completion[]): void;
}

/** The earliest retry time in a batch, or null when it holds no retry. */
export function earliestRetry(batch: readonly Completion[]): number | null {
  let earliest = Number.POSITIVE_INFINITY;
  for (const c of batch) if (c.status === 'pending' && c.nextAttemptAt < earliest) earliest = c.nextAttemptAt;
  return earliest === Number.POSITIVE_INFINITY ? null : earliest;
}

export function createGroupCommit({
  store,
  size,
  logger,
  requestTurn,
  committed,
}: GroupCommitDeps): GroupCommit {
  let completions: Completion[] = [];
  const unsavedHealth = new Map<string, EndpointHealthRow>();
  const writes = new Set<Promise<void>>();

  const take = (): Completion[] => {
    if (completions.length === 0) return completions;
    const batch = completions;
    completions = [];
    return batch;
  };
  const track = (work: Promise<void>) => {
    const done = work.finally(() => writes.delete(done));
    writes.add(done);
  };

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
    const batch = take();
    track(
      store
        .complete(batch)
        .then(() => committed(batch))
        // The claims stay leased; when the lease runs out another pass delivers them again (at-least-once).
        .catch((error) => logger?.error({ err: error, count: batch.length }, 'outbox group commit failed')),
    );
  }

  return {
    add(completion) {
      completions.push(completion);
      if (completions.length >= size) flush();
      else requestTurn();
    },
    take,
    putBack(batch) {
      if (batch.length > 0) completions = batch.concat(completions);
    },
    saveHealth(row) {
      unsavedHealth.set(row.endpointId, row);
      requestTurn();
    },
    forgetHealth(endpointId) {
      unsavedHealth.delete(endpointId);
    },
    flush,
    track,
    settled: async () => {
      await Promise.all([...writes]);
    },
  };
}
