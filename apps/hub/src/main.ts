import { databaseFileFor } from '@hooklab/db';
import {
  appControl,
  createLogger,
  createTracedFetch,
  dispatcherSender,
  ExchangeRecorder,
  httpTimeoutsOf,
  isMemoryDataDir,
  portOf,
  type RunningApp,
  recordDeliveryAttempt,
  type StartApp,
  serve,
  serviceNamer,
  serviceUrls,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { loadHubConfig } from './config.ts';
import { createHubContext } from './context.ts';
import { openHubDatabase } from './db/index.ts';
import { createDistributionDispatcher } from './webhooks/out/distribution.ts';

/** Starts hub: config → db (+ migrations) → context → serve → job worker and distribution dispatcher. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadHubConfig(env);
  const logger = createLogger('hub', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('hub');
  const nameOf = serviceNamer(serviceUrls(env));
  const memory = isMemoryDataDir(config.DATA_DIR);
  const {
    db,
    sqlite,
    close: closeDb,
  } = openHubDatabase(memory ? ':memory:' : databaseFileFor('hub', config.DATA_DIR));
  let boundUrl = '';
  const hubUrl = () => config.HUB_PUBLIC_URL ?? `${boundUrl}/`;
  const ctx = createHubContext({
    config,
    db,
    sqlite,
    hubUrl,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'hub', recorder, nameOf: (url) => nameOf(url) }),
  });
  const dispatcher = createDistributionDispatcher(ctx, {
    onAttempt: (e) => recordDeliveryAttempt(recorder, e, { to: nameOf(e.message.url) }),
  });
  // Dev mode: the console's "pause sender" switch stops and restarts this dispatcher.
  appControl(recorder).registerSender(dispatcherSender('outbox', dispatcher));

  const server = await serve({
    app: createApp(ctx),
    port: portOf('hub', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    onShutdown: [() => ctx.jobs.stop(), () => dispatcher.stop({ drainMs: 2000 }), () => closeDb()],
  });
  boundUrl = server.url;
  ctx.jobs.start();
  await dispatcher.start();
  return { name: 'hub', url: server.url, port: server.port, recorder, close: server.close };
};
