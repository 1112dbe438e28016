import { appBasicsTests } from '@hooklab/service/testing';
import { describe } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

describe('ticker', () => {
  appBasicsTests({
    name: 'ticker',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
    startEnv: {
      // Prices stand still: no pings to whatever listens on the hub's default port.
      TICKER_UPDATES_PER_SECOND: '0',
    },
  });
});
