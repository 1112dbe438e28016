import type { Clock, TimerHandle } from './types.ts';

/** The real clock: `Date.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void;
  set(now: number): void;
  pendingTimers(): number;
}

/** A clock that only moves when told, so tests can run a 72-hour retry schedule in milliseconds. */
export function createManualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();

  const fireDue = () => {
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of timers) {
        if (timer.at <= now && timer.at < nextAt) {
          nextAt = timer.at;
          nextId = id;
        }
      }
      if (nextId === undefined) return;
      const timer = timers.get(nextId)!;
      timers.delete(nextId);
      timer.fn();
    }
  };

  return {
    now: () => now,
    setTimeout: (fn, ms): TimerHandle => {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new TypeError('advance(ms): ms must be a finite number ≥ 0');
      now += ms;
      fireDue();
    },
    set(to) {
      now = to;
      fireDue();
    },
    pendingTimers: () => timers.size,
  };
}
