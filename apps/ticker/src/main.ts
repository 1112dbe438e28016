import {
  createLogger,
  createTracedFetch,
  ExchangeRecorder,
  httpTimeoutsOf,
  portOf,
  type RunningApp,
  type StartApp,
  serve,
  serviceNamer,
  serviceUrls,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { loadTickerConfig } from './config.ts';
import { createTickerContext } from './context.ts';

/** Starts ticker: config → context (the market, the hub pinger) → serve → the prices start moving. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadTickerConfig(env);
  const logger = createLogger('ticker', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('ticker');
  const urls = serviceUrls(env);
  const nameOf = serviceNamer(urls);
  const ctx = createTickerContext({
    config,
    recorder,
    logger,
    publicUrl: urls.ticker,
    hubUrl: `${urls.hub}/`,
    fetch: createTracedFetch({ from: 'ticker', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('ticker', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop the prices, then let the pings on their way finish.
    onShutdown: [async () => ctx.market.stop(), () => ctx.pinger.drain()],
  });
  ctx.market.start();
  return { name: 'ticker', url: server.url, port: server.port, recorder, close: server.close };
};
