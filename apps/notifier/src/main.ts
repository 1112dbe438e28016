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
import { loadNotifierConfig } from './config.ts';
import { createNotifierContext } from './context.ts';

/** Starts notifier: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadNotifierConfig(env);
  const logger = createLogger('notifier', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('notifier');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = createNotifierContext({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'notifier', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('notifier', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: 'notifier', url: server.url, port: server.port, recorder, close: server.close };
};
