import { databaseFileFor } from '@hooklab/db';
import { appRuntime, isMemoryDataDir, type RunningApp, type StartApp } from '@hooklab/service';
import { createApp } from './app.ts';
import { loadSlackConfig } from './config.ts';
import { createSlackContext } from './context.ts';
import { openSlackDatabase } from './db/index.ts';
import { createEventDispatcher } from './webhooks/out/dispatcher.ts';

/** Starts slack: config → db (+ migrations) → context → serve → the Events API dispatcher. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadSlackConfig(env);
  const runtime = appRuntime('slack', env, config);
  const { logger, recorder } = runtime;
  const memory = isMemoryDataDir(config.DATA_DIR);
  const {
    db,
    sqlite,
    close: closeDb,
  } = openSlackDatabase(memory ? ':memory:' : databaseFileFor('slack', config.DATA_DIR));
  let boundUrl = '';
  const ctx = createSlackContext({
    config,
    db,
    sqlite,
    recorder,
    logger,
    publicUrl: () => (config.SLACK_PUBLIC_URL ?? boundUrl).replace(/\/+$/, ''),
    fetch: runtime.fetch,
  });
  const dispatcher = createEventDispatcher(ctx, {
    // In the message's trace, with event id and attempt, so the console pairs it with the receiver's record.
    onAttempt: runtime.recordAttempt,
  });
  runtime.registerSender('events', dispatcher);
  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    onShutdown: [() => dispatcher.stop({ drainMs: 2000 }), () => closeDb()],
  });
  boundUrl = server.url;
  await dispatcher.start();
  return runtime.running(server);
};
