import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, deliver, startTestMailbox, testContext } from './test-support.ts';

const devToken = { 'x-hooklab-dev-token': DEV_TOKEN };

describe('mailbox', () => {
  it('answers /healthz', async () => {
    const res = await createApp(testContext()).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: 'mailbox' });
  });

  it('serves its recorder in dev mode and refuses it outside, with a problem+json 404', async () => {
    const dev = await createApp(testContext()).request('/_hooklab/exchanges', { headers: devToken });
    expect(dev.status).toBe(200);
    expect(await dev.json()).toMatchObject({ service: 'mailbox', data: [] });

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
      SMTP_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '0',
      DATA_DIR: ':memory:',
    });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${app.url}/_hooklab/exchanges`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('shows mail only in dev mode, to this machine or the dev token; /api/v1/info stays open', async () => {
    const ctx = testContext();
    await deliver(ctx, { subject: 'Private' });
    const app = createApp(ctx);
    for (const path of ['/', '/api/v1/messages', '/api/v1/events']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).not.toContain('Private');
    }
    expect((await app.request('/api/v1/messages', { headers: devToken })).status).toBe(200);
    expect((await app.request('/api/v1/info')).status).toBe(200);

    const prod = createApp(testContext({ HOOKLAB_DEV: '0' }));
    for (const path of ['/', '/api/v1/messages', '/api/v1/events'])
      expect((await prod.request(path, { headers: devToken })).status, path).toBe(404);
  });

  it('serves the inbox to a browser on this machine without a token', async () => {
    const m = await startTestMailbox();
    try {
      const res = await fetch(`${m.url}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<h1>Inbox');
    } finally {
      await m.close();
    }
  });
});
