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
import { loadMailboxConfig } from './config.ts';
import { createMailboxContext } from './context.ts';

/** Starts mailbox: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadMailboxConfig(env);
  const logger = createLogger('mailbox', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('mailbox');
  const nameOf = serviceNamer(serviceUrls(env));
  const ctx = createMailboxContext({
    config,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'mailbox', recorder, nameOf: (url) => nameOf(url) }),
  });
  const server = await serve({
    app: createApp(ctx),
    port: portOf('mailbox', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return { name: 'mailbox', url: server.url, port: server.port, recorder, close: server.close };
};
