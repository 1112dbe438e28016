import { databaseFileFor } from '@hooklab/db';
import { appRuntime, isMemoryDataDir, type RunningApp, type StartApp } from '@hooklab/service';
import { createDispatcher, systemClock } from '@hooklab/webhooks';
import { createApp } from './app.ts';
import { loadSocialConfig } from './config.ts';
import { createSocialContext } from './context.ts';
import { openSocialDatabase } from './db/index.ts';
import { startCrcRechecks } from './domain/crc-recheck.ts';
import { resolveEndpoint } from './domain/webhooks.ts';

/** Starts social: config → db (+ migrations) → context → serve → outbox dispatcher and CRC re-checks. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadSocialConfig(env);
  const runtime = appRuntime('social', env, config, { fetchKind: 'handshake' });
  const { logger, recorder } = runtime;
  const memory = isMemoryDataDir(config.DATA_DIR);
  const {
    db,
    sqlite,
    close: closeDb,
  } = openSocialDatabase(memory ? ':memory:' : databaseFileFor('social', config.DATA_DIR));
  const ctx = createSocialContext({
    config,
    db,
    sqlite,
    recorder,
    logger,
    fetch: runtime.fetch,
  });
  const dispatcher = createDispatcher({
    store: ctx.outbox,
    clock: systemClock,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
    ssrf: ctx.guard,
    resolveEndpoint: (id) => resolveEndpoint(ctx, id),
    logger,
    onAttempt: runtime.recordAttempt,
  });
  runtime.registerSender('outbox', dispatcher);
  const rechecks = startCrcRechecks(ctx);
  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    onShutdown: [() => rechecks.stop(), () => dispatcher.stop({ drainMs: 2000 }), () => closeDb()],
  });
  await dispatcher.start();
  return runtime.running(server);
};
