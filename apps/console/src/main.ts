import {
  createLogger,
  createTracedFetch,
  ExchangeRecorder,
  httpTimeoutsOf,
  loadConfig,
  portOf,
  type RunningApp,
  type StartOptions,
  serve,
  serviceUrls,
  urlVarOf,
} from '@hooklab/service';
import { createApp } from './app.ts';
import { consoleConfigSchema } from './config.ts';
import type { ConsoleContext } from './context.ts';
import { createNamer } from './domain/hops.ts';
import { createRunner } from './domain/runs.ts';
import { ConsoleStore } from './domain/store.ts';
import { createUpstreams } from './http/upstreams.ts';
import { createClientAssets } from './pages/assets.ts';

/** Starts the console: config → store → runner → HTTP server → subscriptions to every app of the service map. */
export async function start(
  env: Record<string, string | undefined>,
  opts: StartOptions = {},
): Promise<RunningApp> {
  const config = loadConfig(consoleConfigSchema, env);
  const logger = createLogger('console', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('console');
  const urls = serviceUrls(env);
  const store = new ConsoleStore({ maxExchanges: config.CONSOLE_MAX_EXCHANGES });
  const nameOf = createNamer(urls);
  // The scenarios' calls: traced (one trace per run) and recorded as the console's own.
  const tracedFetch = createTracedFetch({
    from: 'console',
    recorder,
    nameOf: (u) => nameOf(u.href) ?? u.host,
  });
  const runner = createRunner({
    store,
    urls,
    keys: { payments: config.STRIPE_SECRET_KEY, logistics: config.LOGISTICS_API_KEY },
    fetch: tracedFetch,
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
  const server = await serve({
    app: createApp(ctx),
    port: portOf('console', env),
    hostname: config.HOST,
    logger,
    handleSignals: opts.handleSignals,
    timeouts: httpTimeoutsOf(config),
    onShutdown: [() => upstreams.stop()],
  });
  if (!env[urlVarOf('console')]) urls.console = server.url;
  upstreams.start();
  // Built now so the first page view does not wait for it.
  assets.bundle().catch((err) => logger.error({ err }, 'the console’s browser code did not build'));
  return { name: 'console', url: server.url, port: server.port, recorder, close: server.close };
}
