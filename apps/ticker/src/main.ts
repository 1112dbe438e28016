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

/** Starts ticker: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadTickerConfig(env);
  const logger = createLogger('ticker', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('ticker');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = createTickerContext({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'ticker', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('ticker', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: 'ticker', url: server.url, port: server.port, recorder, close: server.close };
};
