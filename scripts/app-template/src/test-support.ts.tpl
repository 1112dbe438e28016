// Fixtures for __app__'s tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { __camel__ConfigSchema } from './config.ts';
import { type __App__Context, create__App__Context } from './context.ts';

export const DEV_TOKEN = '__app__-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): __App__Context {
  const config = __camel__ConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return create__App__Context({ config, recorder: new ExchangeRecorder('__app__') });
}
