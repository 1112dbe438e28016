/** Where a receiver remembers the message ids it has already handled (dedupe across retries). */
export interface Inbox {
  seen(id: string): boolean | Promise<boolean>;
  record(id: string): void | Promise<void>;
}

export interface MemoryInboxOptions {
  /** Ids kept before the least recently used are forgotten; default 10 000. */
  max?: number;
}

/** An in-process inbox bounded to `max` ids (least recently used evicted first); forgets on restart. */
export function createMemoryInbox(options: MemoryInboxOptions = {}): Inbox {
  const max = options.max ?? 10_000;
  if (!Number.isSafeInteger(max) || max < 1)
    throw new RangeError('createMemoryInbox: max must be a positive integer');
  // A Map iterates in insertion order, so re-inserting an id marks it most recent.
  const ids = new Map<string, true>();
  return {
    seen(id) {
      if (!ids.has(id)) return false;
      ids.delete(id);
      ids.set(id, true);
      return true;
    },
    record(id) {
      ids.delete(id);
      ids.set(id, true);
      for (const oldest of ids.keys()) {
        if (ids.size <= max) break;
        ids.delete(oldest);
      }
    },
  };
}
