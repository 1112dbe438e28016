import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { notifications } from '../../db/schema.ts';
import { SHOP_SECRET, startSlackApiRecorder, testContext } from '../../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const slack = await startSlackApiRecorder();
  const ctx = testContext({ SLACK_API_URL: slack.apiUrl });
  ctx.jobs.start();
  cleanups.push(
    () => slack.close(),
    () => ctx.jobs.stop(),
    () => ctx.close(),
  );
  return { slack, ctx, app: createApp(ctx) };
}

const paid = {
  type: 'order.paid',
  timestamp: '2026-12-05T06:00:00.000Z',
  data: {
    order_id: 'ord_paid0001',
    status: 'paid',
    amount_total: 12000,
    currency: 'eur',
    items: [{ name: 'Silk dress', quantity: 1 }],
    url: 'http://shop.test/orders/ord_paid0001',
  },
};

function signed(body: object, id = 'msg_1', secret = SHOP_SECRET) {
  const raw = JSON.stringify(body);
  const now = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, now, raw),
  };
  return { method: 'POST', headers, body: raw };
}

describe('POST /webhooks/shop', () => {
  it('posts a paid order to #orders with a Refund button, through the official Web API client', async () => {
    const { app, slack } = await setup();
    const res = await app.request('/webhooks/shop', signed(paid));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false });
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args.channel).toBe('#orders');
    expect(post.args.text).toBe('Order ord_paid0001 paid (€120.00)');
    const blocks = post.args.blocks as {
      type: string;
      elements?: { action_id?: string; value?: string }[];
    }[];
    const button = blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(button).toMatchObject({ action_id: 'refund_order', value: 'ord_paid0001' });
  });

  it('takes a redelivery (same webhook-id) in once: one message', async () => {
    const { app, slack, ctx } = await setup();
    expect((await app.request('/webhooks/shop', signed(paid, 'msg_dup'))).status).toBe(200);
    const again = await app.request('/webhooks/shop', signed(paid, 'msg_dup'));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    await slack.waitFor((c) => c.method === 'chat.postMessage');
    await ctx.jobs.idle();
    expect(ctx.db.select().from(notifications).all()).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('refuses a forged signature with 401 problem+json and keeps nothing', async () => {
    const { app, ctx } = await setup();
    const res = await app.request(
      '/webhooks/shop',
      signed(paid, 'msg_forged', 'whsec_Zm9yZ2VkLXNlY3JldC1mb3ItdGVzdHM='),
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'signature_invalid' });
    expect(ctx.db.select().from(notifications).all()).toHaveLength(0);
  });

  it('refuses unsigned and non-event bodies with a clear error', async () => {
    const { app } = await setup();
    const unsigned = await app.request('/webhooks/shop', { method: 'POST', body: JSON.stringify(paid) });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'signature_missing' });
    const notEvent = await app.request('/webhooks/shop', signed({ hello: 'world' } as never, 'msg_x'));
    expect(notEvent.status).toBe(400);
    expect(await notEvent.json()).toMatchObject({ code: 'malformed_event' });
  });

  it('keeps the message through a Slack outage and posts it once Slack is back', async () => {
    const { app, slack, ctx } = await setup();
    slack.state.down = true;
    expect((await app.request('/webhooks/shop', signed(paid, 'msg_outage'))).status).toBe(200);
    // The webhook is answered and stored; the post waits for Slack.
    const row = () => ctx.db.select().from(notifications).get();
    expect(row()?.status).toBe('pending');
    await slack.until(() => slack.state.refused >= 2, 10_000);
    expect(row()?.status).toBe('pending');
    slack.state.down = false;
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage', 10_000);
    expect(post.args.text).toContain('ord_paid0001');
    await ctx.jobs.idle();
    expect(row()).toMatchObject({ status: 'posted', slackTs: expect.stringMatching(/^\d+\.\d{6}$/) });
  });
});
