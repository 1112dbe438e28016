// Bounded waits for the bench: a case that stalls fails with a message instead of hanging the run.
import { sleep } from '../sleep.ts';

export { sleep };

/** Polls `done` every `everyMs` until it is true; throws after `timeoutMs` naming what it waited for. */
export async function waitUntil(
  done: () => boolean,
  what: string,
  { timeoutMs = 120_000, everyMs = 1 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline)
      throw new Error(`bench: gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
