import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`; rejects with an `AbortError` if `signal` aborts first (or already has). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined);

export const isAbortError = (error: unknown): boolean =>
  error instanceof Error && error.name === 'AbortError';
