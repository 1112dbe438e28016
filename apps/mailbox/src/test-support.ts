// Fixtures for mailbox's tests: a context in dev mode with a dev token, nothing shared between tests.
import { ExchangeRecorder } from '@hooklab/service';
import { mailboxConfigSchema } from './config.ts';
import { createMailboxContext, type MailboxContext } from './context.ts';

export const DEV_TOKEN = 'mailbox-test-dev-token-0123456789';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(env: Record<string, string> = {}): MailboxContext {
  const config = mailboxConfigSchema.parse({
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createMailboxContext({ config, recorder: new ExchangeRecorder('mailbox') });
}
