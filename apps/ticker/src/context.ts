import type { ExchangeRecorder, FetchLike, Logger } from '@hooklab/service';
import type { TickerConfig } from './config.ts';
import { Market } from './domain/market.ts';
import { createHubPinger, type HubPinger } from './webhooks/out/hub-ping.ts';

/** Time as the app sees it; the delivery engine's `Clock` (@hooklab/webhooks) fits, so tests can move it. */
export interface Clock {
  now(): number;
}

/** ticker's one deps container: everything createApp and the domain need, built by main.ts or a test. */
export interface TickerContext {
  config: TickerConfig;
  clock: Clock;
  recorder: ExchangeRecorder;
  /** For calls to other services' APIs: traced and recorded (the hub pings use it). */
  fetch: FetchLike;
  logger?: Logger;
  /** Where topic URLs point (no trailing slash) and the hub they advertise. */
  publicUrl: string;
  hubUrl: string;
  market: Market;
  pinger: HubPinger;
}

/** `https://ticker/topics/ACME`: the topic URL of a symbol (its `rel="self"`). */
export function topicUrl(ctx: Pick<TickerContext, 'publicUrl'>, symbol: string): string {
  return `${ctx.publicUrl}/topics/${encodeURIComponent(symbol)}`;
}

/**
 * Builds the context; what is not given gets its real default (the system clock, plain fetch, a market of
 * the configured symbols). Each change of the market pings the hub for that symbol's topic.
 */
export function createTickerContext(
  deps: Pick<TickerContext, 'config' | 'recorder'> &
    Partial<Omit<TickerContext, 'publicUrl' | 'hubUrl'>> & { publicUrl?: string; hubUrl?: string },
): TickerContext {
  const clock = deps.clock ?? { now: () => Date.now() };
  const fetch = deps.fetch ?? globalThis.fetch;
  const publicUrl = (deps.config.TICKER_PUBLIC_URL ?? deps.publicUrl ?? 'http://localhost:3008').replace(
    /\/+$/,
    '',
  );
  const hubUrl = deps.config.TICKER_HUB_URL ?? deps.hubUrl ?? 'http://localhost:3007/';
  const market =
    deps.market ??
    new Market({
      symbols: deps.config.TICKER_SYMBOLS,
      updatesPerSecond: deps.config.TICKER_UPDATES_PER_SECOND,
      volatility: deps.config.TICKER_VOLATILITY,
      historySize: deps.config.TICKER_HISTORY,
      now: () => clock.now(),
    });
  const pinger = deps.pinger ?? createHubPinger({ hubUrl, fetch, logger: deps.logger });
  const ctx: TickerContext = { ...deps, clock, fetch, publicUrl, hubUrl, market, pinger };
  market.onChange((q) => pinger.changed(topicUrl(ctx, q.symbol)));
  return ctx;
}
