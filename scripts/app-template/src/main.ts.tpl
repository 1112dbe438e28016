import {
  appRuntime,
__PORT_IMPORT__  type RunningApp,
  type StartApp,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { load__App__Config } from './config.ts';
import { create__App__Context } from './context.ts';

/** Starts __app__: config → (db + migrations) → context → (workers) → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = load__App__Config(env);
  // Its logger, recorder, service map, traced fetch, and serve() on its port.
  const runtime = appRuntime('__app__', env, config, { port: __PORT_EXPR__ });
  const ctx = create__App__Context({
    config,
    recorder: runtime.recorder,
    logger: runtime.logger,
    fetch: runtime.fetch,
  });
  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    // Stop workers, drain the outbox, close the db — in that order — once they exist.
    onShutdown: [],
  });
  return runtime.running(server);
};
