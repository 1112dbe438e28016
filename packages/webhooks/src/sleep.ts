// The package's one wait: node's promise timer, cancellable through an AbortSignal.
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`; rejects with an `AbortError` if `signal` aborts first. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined);

export const isAbortError = (error: unknown): boolean =>
  error instanceof Error && error.name === 'AbortError';
