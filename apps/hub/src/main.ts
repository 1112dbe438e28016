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
import { loadHubConfig } from './config.ts';
import { createHubContext } from './context.ts';

/** Starts hub: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadHubConfig(env);
  const logger = createLogger('hub', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('hub');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = createHubContext({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'hub', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('hub', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: 'hub', url: server.url, port: server.port, recorder, close: server.close };
};
