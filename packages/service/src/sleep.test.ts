import { describe, expect, it } from 'vitest';
import { isAbortError, sleep } from './sleep.ts';

describe('sleep', () => {
  it('resolves after the delay', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects with an AbortError when its signal aborts, or has already', async () => {
    const ac = new AbortController();
    const waiting = sleep(60_000, ac.signal);
    ac.abort();
    const err = await waiting.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    const gone = await sleep(60_000, AbortSignal.abort()).catch((e: unknown) => e);
    expect(isAbortError(gone)).toBe(true);
    expect(isAbortError(new Error('other'))).toBe(false);
  });
});
