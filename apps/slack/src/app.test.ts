import { appBasicsTests } from '@hooklab/service/testing';
import { describe } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

describe('slack', () => {
  appBasicsTests({
    name: 'slack',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
    startEnv: {
      DATA_DIR: ':memory:',
    },
  });
});
