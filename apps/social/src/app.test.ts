import { appBasicsTests } from '@hooklab/service/testing';
import { describe } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

describe('social', () => {
  appBasicsTests({
    name: 'social',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
  });
});
