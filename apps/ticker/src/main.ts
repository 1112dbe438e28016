import { appRuntime, type RunningApp, type StartApp } from '@hooklab/service';
import { createApp } from './app.ts';
import { loadTickerConfig } from './config.ts';
import { createTickerContext } from './context.ts';

/** Starts ticker: config → context (the market, the hub pinger) → serve → the prices start moving. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadTickerConfig(env);
  const runtime = appRuntime('ticker', env, config);
  const { logger, recorder, urls } = runtime;
  const ctx = createTickerContext({
    config,
    recorder,
    logger,
    publicUrl: urls.ticker,
    hubUrl: `${urls.hub}/`,
    fetch: runtime.fetch,
  });
  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    // Stop the prices, then let the pings on their way finish.
    onShutdown: [async () => ctx.market.stop(), () => ctx.pinger.drain()],
  });
  ctx.market.start();
  return runtime.running(server);
};
