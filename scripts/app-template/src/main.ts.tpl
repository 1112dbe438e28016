import {
  createLogger,
  createTracedFetch,
  ExchangeRecorder,
  httpTimeoutsOf,
__PORT_IMPORT__  type RunningApp,
  type StartApp,
  serve,
  serviceNamer,
  serviceUrls,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { load__App__Config } from './config.ts';
import { create__App__Context } from './context.ts';

/** Starts __app__: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = load__App__Config(env);
  const logger = createLogger('__app__', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('__app__');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = create__App__Context({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: '__app__', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: __PORT_EXPR__,
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: '__app__', url: server.url, port: server.port, recorder, close: server.close };
};
