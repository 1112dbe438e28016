/**
 * Where a receiver remembers the message ids it has already handled (dedupe across retries). Ids are
 * unique per sender, not across senders, so each is kept under a `scope` naming the sender ('' when a
 * receiver has one sender).
 */
export interface Inbox {
  seen(id: string, scope?: string): boolean | Promise<boolean>;
  record(id: string, scope?: string): void | Promise<void>;
  /**
   * Records the id now, synchronously, and says whether it was new: called by a handler inside its own
   * transaction on the inbox's connection, the row commits (or rolls back) with the handler's work.
   */
  claim?(id: string, scope?: string): boolean;
}

export interface MemoryInboxOptions {
  /** Ids kept before the least recently used are forgotten; default 10 000. */
  max?: number;
}

/** An in-process inbox bounded to `max` ids (least recently used evicted first); forgets on restart. */
export function createMemoryInbox(options: MemoryInboxOptions = {}): Required<Inbox> {
  const max = options.max ?? 10_000;
  if (!Number.isSafeInteger(max) || max < 1)
    throw new RangeError('createMemoryInbox: max must be a positive integer');
  // A Map iterates in insertion order, so re-inserting an id marks it most recent.
  const ids = new Map<string, true>();
  const keyOf = (id: string, scope = '') => `${scope}\u0000${id}`;
  const seen = (id: string, scope?: string) => {
    const key = keyOf(id, scope);
    if (!ids.has(key)) return false;
    ids.delete(key);
    ids.set(key, true);
    return true;
  };
  const record = (id: string, scope?: string) => {
    const key = keyOf(id, scope);
    ids.delete(key);
    ids.set(key, true);
    for (const oldest of ids.keys()) {
      if (ids.size <= max) break;
      ids.delete(oldest);
    }
  };
  return {
    seen,
    record,
    claim(id, scope) {
      if (seen(id, scope)) return false;
      record(id, scope);
      return true;
    },
  };
}
