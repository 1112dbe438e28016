import { appBasicsTests } from '@hooklab/service/testing';
import { describe } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

describe('__app__', () => {
  // The kit's tests every app passes: /healthz, the recorder in dev mode only, start() from an environment.
  appBasicsTests({
    name: '__app__',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
  });
});
