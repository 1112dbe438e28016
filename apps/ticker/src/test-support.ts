// Fixtures for ticker's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { tickerConfigSchema } from './config.ts';
import { createTickerContext, type TickerContext } from './context.ts';

export const DEV_TOKEN = 'ticker-test-dev-token-0123456789';

/** A hub stand-in: keeps the forms it is sent and answers `status`. */
export function recordingHub(status = 202) {
  const forms: URLSearchParams[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    forms.push(new URLSearchParams(String(init?.body)));
    return new Response(null, { status });
  };
  return { forms, fetch };
}

/**
 * A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). Prices
 * stand still (the walk is started by main.ts only); tests move them with `ctx.market.move(symbol)`.
 */
export function testContext(
  env: Record<string, string> = {},
  deps: Partial<Pick<TickerContext, 'fetch' | 'clock'>> = {},
): TickerContext {
  const config = tickerConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createTickerContext({
    config,
    recorder: new ExchangeRecorder('ticker'),
    publicUrl: 'http://ticker.test',
    hubUrl: 'http://hub.test/',
    fetch: deps.fetch ?? recordingHub().fetch,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}
