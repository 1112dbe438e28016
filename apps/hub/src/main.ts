import { databaseFileFor } from '@hooklab/db';
import {
  appRuntime,
  deliveriesObserved,
  isMemoryDataDir,
  type RunningApp,
  type StartApp,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { loadHubConfig } from './config.ts';
import { createHubContext } from './context.ts';
import { openHubDatabase } from './db/index.ts';
import { createDistributionDispatcher } from './webhooks/out/distribution.ts';

/** Starts hub: config → db (+ migrations) → context → serve → job worker and distribution dispatcher. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadHubConfig(env);
  const runtime = appRuntime('hub', env, config);
  const { logger, recorder } = runtime;
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
    fetch: runtime.fetch,
  });
  // Outside dev mode nothing can read the recorder's exchanges, so a fan-out's thousands of attempts are
  // recorded only where someone sees them: dev mode, or an OTLP export (its delivery spans).
  const dispatcher = createDistributionDispatcher(ctx, {
    onAttempt: (e) => {
      if (deliveriesObserved(recorder, { dev: config.HOOKLAB_DEV })) runtime.recordAttempt(e);
    },
  });
  runtime.registerSender('outbox', dispatcher);

  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    onShutdown: [() => ctx.jobs.stop(), () => dispatcher.stop({ drainMs: 2000 }), () => closeDb()],
  });
  boundUrl = server.url;
  ctx.jobs.start();
  await dispatcher.start();
  return runtime.running(server);
};
