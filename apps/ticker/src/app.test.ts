import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, testContext } from './test-support.ts';

const devToken = { 'x-hooklab-dev-token': DEV_TOKEN };

describe('ticker', () => {
  it('answers /healthz', async () => {
    const res = await createApp(testContext()).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: 'ticker' });
  });

  it('serves its recorder in dev mode and refuses it outside, with a problem+json 404', async () => {
    const dev = await createApp(testContext()).request('/_hooklab/exchanges', { headers: devToken });
    expect(dev.status).toBe(200);
    expect(await dev.json()).toMatchObject({ service: 'ticker', data: [] });

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
      // Prices stand still: no pings to whatever listens on the hub's default port.
      TICKER_UPDATES_PER_SECOND: '0',
    });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${app.url}/_hooklab/exchanges`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
