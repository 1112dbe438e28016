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
import { loadSlackConfig } from './config.ts';
import { createSlackContext } from './context.ts';

/** Starts slack: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadSlackConfig(env);
  const logger = createLogger('slack', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('slack');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = createSlackContext({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'slack', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('slack', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: 'slack', url: server.url, port: server.port, recorder, close: server.close };
};
