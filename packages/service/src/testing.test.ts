import { describe } from 'vitest';
import { createServiceApp } from './app.ts';
import { appRuntime } from './app-runtime.ts';
import { baseConfigSchema } from './config.ts';
import { ExchangeRecorder } from './exchanges.ts';
import { appBasicsTests } from './testing.ts';

const DEV_TOKEN = 'kit-test-dev-token-0123456789';

describe('appBasicsTests on a bare kit app (outside the service map)', () => {
  appBasicsTests({
    name: 'kit-app',
    devToken: DEV_TOKEN,
    app: (env = {}) => {
      const config = baseConfigSchema.parse({ HOOKLAB_DEV: '1', HOOKLAB_DEV_TOKEN: DEV_TOKEN, ...env });
      return createServiceApp({ name: 'kit-app', recorder: new ExchangeRecorder('kit-app'), dev: config });
    },
    start: async (env) => {
      const config = baseConfigSchema.parse(env);
      const runtime = appRuntime('kit-app', env, config, { port: 0 });
      const app = createServiceApp({ name: 'kit-app', recorder: runtime.recorder, dev: config });
      return runtime.running(await runtime.serve(app, {}));
    },
  });
});
