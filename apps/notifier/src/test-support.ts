// Fixtures for notifier's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { notifierConfigSchema } from './config.ts';
import { createNotifierContext, type NotifierContext } from './context.ts';

export const DEV_TOKEN = 'notifier-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): NotifierContext {
  const config = notifierConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createNotifierContext({ config, recorder: new ExchangeRecorder('notifier') });
}
