import type { ExchangeRecorder, FetchLike, Logger } from '@hooklab/service';
import type { TickerConfig } from './config.ts';

/** Time as the app sees it; the delivery engine's `Clock` (@hooklab/webhooks) fits, so tests can move it. */
export interface Clock {
  now(): number;
}

/** ticker's one deps container: everything createApp and the domain need, built by main.ts or a test. */
export interface TickerContext {
  config: TickerConfig;
  clock: Clock;
  recorder: ExchangeRecorder;
  /** For calls to other services' APIs: traced and recorded (clients/ uses it). */
  fetch: FetchLike;
  logger?: Logger;
  // With a database (see src/db/README.md): db, sqlite; with webhooks to send: outbox.
}

/** Builds the context; what is not given gets its real default (the system clock, plain fetch). */
export function createTickerContext(
  deps: Pick<TickerContext, 'config' | 'recorder'> & Partial<TickerContext>,
): TickerContext {
  return {
    clock: { now: () => Date.now() },
    fetch: globalThis.fetch,
    ...deps,
  };
}
