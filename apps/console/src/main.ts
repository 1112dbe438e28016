import {
  appRuntime,
  loadConfig,
  type RunningApp,
  type StartApp,
  setTransportFaultWitness,
  urlVarOf,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { consoleConfigSchema } from './config.ts';
import type { ConsoleContext } from './context.ts';
import { createRunner } from './domain/runs.ts';
import { ConsoleStore } from './domain/store.ts';
import { createUpstreams } from './http/upstreams.ts';
import { createClientAssets } from './pages/assets.ts';

/** Starts the console: config → store → runner → HTTP server → subscriptions to every app of the service map. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadConfig(consoleConfigSchema, env);
  const runtime = appRuntime('console', env, config);
  const { logger, recorder, urls } = runtime;
  // The scenarios' queue consumers run here: an injected crash and its redelivery are drawn in the trace.
  setTransportFaultWitness(recorder);
  const store = new ConsoleStore({ maxExchanges: config.CONSOLE_MAX_EXCHANGES });
  const runner = createRunner({
    store,
    urls,
    keys: { payments: config.STRIPE_SECRET_KEY, logistics: config.LOGISTICS_API_KEY },
    // The scenarios' calls: traced (one trace per run) and recorded as the console's own.
    fetch: runtime.fetch,
  });
  const assets = createClientAssets();
  const ctx: ConsoleContext = {
    config,
    urls,
    store,
    runner,
    recorder,
    assets,
    fetch: globalThis.fetch,
    logger,
  };
  const upstreams = createUpstreams({
    store,
    urls,
    recorder,
    retryMs: config.CONSOLE_RETRY_MS,
    backlog: config.CONSOLE_BACKLOG,
    devToken: config.HOOKLAB_DEV_TOKEN,
    logger,
  });
  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    onShutdown: [() => upstreams.stop()],
  });
  if (!env[urlVarOf('console')]) urls.console = server.url;
  upstreams.start();
  // Built now so the first page view does not wait for it.
  assets.bundle().catch((err) => logger.error({ err }, 'the console’s browser code did not build'));
  return runtime.running(server);
};
