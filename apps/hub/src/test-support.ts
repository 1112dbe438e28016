// Fixtures for hub's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { hubConfigSchema } from './config.ts';
import { createHubContext, type HubContext } from './context.ts';

export const DEV_TOKEN = 'hub-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): HubContext {
  const config = hubConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createHubContext({ config, recorder: new ExchangeRecorder('hub') });
}
