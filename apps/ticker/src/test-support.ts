// Fixtures for ticker's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { tickerConfigSchema } from './config.ts';
import { createTickerContext, type TickerContext } from './context.ts';

export const DEV_TOKEN = 'ticker-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): TickerContext {
  const config = tickerConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createTickerContext({ config, recorder: new ExchangeRecorder('ticker') });
}
