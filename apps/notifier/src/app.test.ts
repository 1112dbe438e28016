import { appBasicsTests } from '@hooklab/service/testing';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { loadNotifierConfig } from './config.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

describe('notifier', () => {
  appBasicsTests({
    name: 'notifier',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
    startEnv: {
      DATA_DIR: ':memory:',
      SLACK_REGISTER_APP: '0',
      SLACK_SIGNING_SECRET: 'a-signing-secret-of-our-own',
      NOTIFIER_LOGISTICS_SECRET: 'whsec_b3VyLW93bi1sb2dpc3RpY3Mtc2VjcmV0',
      STRIPE_WEBHOOK_SECRET: 'whsec_fixed',
      SHOP_WEBHOOK_SECRET: 'whsec_Zml4ZWQ=',
    },
  });

  it('refuses its published dev secrets outside dev mode, naming each', () => {
    expect(() => loadNotifierConfig({ HOOKLAB_DEV: '0' })).toThrow(
      /SLACK_SIGNING_SECRET[\s\S]*NOTIFIER_LOGISTICS_SECRET/,
    );
    expect(loadNotifierConfig({ HOOKLAB_DEV: '1' }).SLACK_SIGNING_SECRET).toBe(
      'hooklab-slack-signing-secret-dev',
    );
  });
});
