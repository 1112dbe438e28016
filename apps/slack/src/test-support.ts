// Fixtures for slack's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { slackConfigSchema } from './config.ts';
import { createSlackContext, type SlackContext } from './context.ts';

export const DEV_TOKEN = 'slack-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): SlackContext {
  const config = slackConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createSlackContext({ config, recorder: new ExchangeRecorder('slack') });
}
