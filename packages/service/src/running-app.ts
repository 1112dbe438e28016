import type { ExchangeRecorder } from './exchanges.ts';

/**
 * What every app's `start(env, opts)` resolves to. `tests/` and the console start apps in-process
 * through it; `server.ts` calls the same function with `process.env`.
 */
export interface RunningApp {
  name: string;
  url: string;
  port: number;
  recorder: ExchangeRecorder;
  /** Graceful stop: stop accepting, drain in-flight deliveries, close the db. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Install SIGINT/SIGTERM handlers (server.ts only). */
  handleSignals?: boolean;
}

/** The signature of every app's exported `start`. `DATA_DIR=:memory:` keeps everything in memory. */
export type StartApp = (env: Record<string, string | undefined>, opts?: StartOptions) => Promise<RunningApp>;

/** True when the app should keep its database in memory (tests). */
export function isMemoryDataDir(dataDir: string | undefined): boolean {
  return dataDir === ':memory:';
}
