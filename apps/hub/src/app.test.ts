import { appBasicsTests } from '@hooklab/service/testing';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { start } from './main.ts';
import { DEV_TOKEN, formBody, startSubscriber, startTopicServer, testContext } from './test-support.ts';

const devToken = { 'x-hooklab-dev-token': DEV_TOKEN };

describe('hub', () => {
  appBasicsTests({
    name: 'hub',
    app: (env) => createApp(testContext(env)),
    devToken: DEV_TOKEN,
    start,
  });

  it('started as server.ts starts it, verifies a subscriber and delivers a publish (and records both, secret masked)', async () => {
    const app = await start({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '1',
      DATA_DIR: ':memory:',
    });
    const sub = await startSubscriber();
    const pub = await startTopicServer();
    try {
      const topic = pub.set('/feed', '{"v":1}');
      const post = (form: Record<string, string>) =>
        fetch(`${app.url}/`, { method: 'POST', body: formBody(form) });
      expect(
        (
          await post({
            'hub.mode': 'subscribe',
            'hub.callback': `${sub.base}/cb`,
            'hub.topic': topic,
            'hub.secret': 'never-recorded-secret-42',
          })
        ).status,
      ).toBe(202);
      await sub.next((r) => r.method === 'GET');
      for (;;) {
        const list = (await (await fetch(`${app.url}/v1/subscriptions`)).json()) as { data: unknown[] };
        if (list.data.length === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await post({ 'hub.mode': 'publish', 'hub.url': topic })).status).toBe(202);
      const delivered = await sub.next((r) => r.method === 'POST');
      expect(delivered.body).toBe('{"v":1}');
      expect(delivered.headers.link).toContain(`<${app.url}/>; rel="hub"`);
      const recorded = await (await fetch(`${app.url}/_hooklab/exchanges`, { headers: devToken })).json();
      expect(JSON.stringify(recorded)).toContain('/cb');
      expect(JSON.stringify(recorded)).not.toContain('never-recorded-secret-42');
      expect(delivered.headers['x-hub-signature']).toMatch(/^sha256=/);
    } finally {
      await sub.close();
      await pub.close();
      await app.close();
    }
  });

  it('outside dev mode keeps no delivery exchanges (nothing could read them), yet delivers and books the delivery', async () => {
    const app = await start({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '0',
      WEBHOOK_ALLOW_LOOPBACK: '1',
      DATA_DIR: ':memory:',
    });
    const sub = await startSubscriber();
    const pub = await startTopicServer();
    try {
      const topic = pub.set('/feed', '{"v":2}');
      const post = (form: Record<string, string>) =>
        fetch(`${app.url}/`, { method: 'POST', body: formBody(form) });
      const subscriptions = async () =>
        (
          (await (await fetch(`${app.url}/v1/subscriptions`)).json()) as {
            data: { last_delivery_status: number | null }[];
          }
        ).data;
      expect(
        (await post({ 'hub.mode': 'subscribe', 'hub.callback': `${sub.base}/cb`, 'hub.topic': topic }))
          .status,
      ).toBe(202);
      while ((await subscriptions()).length === 0) await new Promise((r) => setTimeout(r, 20));
      expect((await post({ 'hub.mode': 'publish', 'hub.url': topic })).status).toBe(202);
      expect((await sub.next((r) => r.method === 'POST')).body).toBe('{"v":2}');
      // The witness: the hub booked the attempt (in the same callback that would have recorded it).
      while ((await subscriptions())[0]?.last_delivery_status !== 204)
        await new Promise((r) => setTimeout(r, 20));
      expect(app.recorder.list().filter((e) => e.kind === 'webhook')).toEqual([]);
    } finally {
      await sub.close();
      await pub.close();
      await app.close();
    }
  });
});
