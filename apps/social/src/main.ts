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
import { loadSocialConfig } from './config.ts';
import { createSocialContext } from './context.ts';

/** Starts social: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadSocialConfig(env);
  const logger = createLogger('social', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('social');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = createSocialContext({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'social', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('social', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: 'social', url: server.url, port: server.port, recorder, close: server.close };
};
