import { appBasicsTests } from '@hooklab/service/testing';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, deliver, startTestMailbox, testContext } from './test-support.ts';

const devToken = { 'x-hooklab-dev-token': DEV_TOKEN };

describe('mailbox', () => {
  appBasicsTests({
    name: 'mailbox',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
    startEnv: {
      SMTP_PORT: '0',
      DATA_DIR: ':memory:',
    },
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
