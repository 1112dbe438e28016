// Fixtures for social's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { socialConfigSchema } from './config.ts';
import { createSocialContext, type SocialContext } from './context.ts';

export const DEV_TOKEN = 'social-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): SocialContext {
  const config = socialConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createSocialContext({ config, recorder: new ExchangeRecorder('social') });
}
