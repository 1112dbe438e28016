import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { startSlackApiRecorder, testContext } from '../../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(env: Record<string, string> = {}) {
  const slack = await startSlackApiRecorder();
  const ctx = testContext({ SLACK_API_URL: slack.apiUrl, ...env });
  ctx.jobs.start();
  cleanups.push(
    () => slack.close(),
    () => ctx.jobs.stop(),
    () => ctx.close(),
  );
  return { slack, ctx, app: createApp(ctx) };
}

describe('/webhooks/logistics (S06 third party)', () => {
  it('consents in the CloudEvents handshake by naming the origin back', async () => {
    const { app } = await setup();
    const res = await app.request('/webhooks/logistics', {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'logistics.hooklab.localhost', 'webhook-request-rate': '120' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('webhook-allowed-origin')).toBe('logistics.hooklab.localhost');
    expect(res.headers.get('webhook-allowed-rate')).toBe('120');
  });

  it('refuses an origin it does not know: 403 and no WebHook-Allowed-Origin', async () => {
    const { app } = await setup();
    const res = await app.request('/webhooks/logistics', {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('webhook-allowed-origin')).toBeNull();
  });

  it('posts a verified shipping result to #shipping', async () => {
    const { app, slack, ctx } = await setup();
    const raw = JSON.stringify({
      type: 'shipment.fulfilled',
      timestamp: new Date().toISOString(),
      data: { shipment_id: 'shp_1', order_id: 'ord_1234', carrier: 'colissimo', tracking_number: 'CP123' },
    });
    const now = new Date();
    const res = await app.request('/webhooks/logistics', {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_ship_1',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(ctx.config.NOTIFIER_LOGISTICS_SECRET).sign('msg_ship_1', now, raw),
      },
      body: raw,
    });
    expect(res.status).toBe(200);
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args.channel).toBe('#shipping');
    expect(post.args.text).toBe('shipment fulfilled: shp_1 (order ord_1234)');
  });
});
