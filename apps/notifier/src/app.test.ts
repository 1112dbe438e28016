import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { loadNotifierConfig } from './config.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

const devToken = { 'x-hooklab-dev-token': DEV_TOKEN };

describe('notifier', () => {
  it('answers /healthz', async () => {
    const res = await createApp(testContext()).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: 'notifier' });
  });

  it('serves its recorder in dev mode and refuses it outside, with a problem+json 404', async () => {
    const dev = await createApp(testContext()).request('/_hooklab/exchanges', { headers: devToken });
    expect(dev.status).toBe(200);
    expect(await dev.json()).toMatchObject({ service: 'notifier', data: [] });

    const prod = await createApp(testContext({ HOOKLAB_DEV: '0' })).request('/_hooklab/exchanges', {
      headers: devToken,
    });
    expect(prod.status).toBe(404);
    expect(prod.headers.get('content-type')).toBe('application/problem+json');
    expect(await prod.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('starts from an environment, as server.ts does, and answers over the network', async () => {
    const app = await start({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '0',
      DATA_DIR: ':memory:',
      SLACK_REGISTER_APP: '0',
      SLACK_SIGNING_SECRET: 'a-signing-secret-of-our-own',
      NOTIFIER_LOGISTICS_SECRET: 'whsec_b3VyLW93bi1sb2dpc3RpY3Mtc2VjcmV0',
      STRIPE_WEBHOOK_SECRET: 'whsec_fixed',
      SHOP_WEBHOOK_SECRET: 'whsec_Zml4ZWQ=',
    });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${app.url}/_hooklab/exchanges`)).status).toBe(404);
    } finally {
      await app.close();
    }
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
