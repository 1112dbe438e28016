import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { notifications } from '../../db/schema.ts';
import { STRIPE_SECRET, startSlackApiRecorder, stripeSigner, testContext } from '../../test-support.ts';

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

const event = {
  id: 'evt_test_succeeded',
  object: 'event',
  type: 'payment_intent.succeeded',
  created: Math.floor(Date.now() / 1000),
  data: {
    object: {
      id: 'pi_123',
      object: 'payment_intent',
      amount: 4500,
      amount_received: 4500,
      currency: 'eur',
      metadata: { order_id: 'ord_abc123' },
    },
  },
};

/** Signed the way Stripe signs, by the official SDK's own test helper. */
function signed(body: object, secret = STRIPE_SECRET, timestamp?: number) {
  const payload = JSON.stringify(body);
  const header = stripeSigner.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp ? { timestamp } : {}),
  });
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: payload,
  };
}

describe('POST /webhooks/payments', () => {
  it('verifies with the stripe SDK and posts the payment to #payments', async () => {
    const { app, slack } = await setup();
    const res = await app.request('/webhooks/payments', signed(event));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false });
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args).toMatchObject({
      channel: '#payments',
      text: 'Payment of €45.00 succeeded for order ord_abc123',
    });
  });

  it('sends each kind of event to the channel configured for it', async () => {
    const { app, slack } = await setup({ NOTIFIER_CHANNEL_PAYMENTS: '#money' });
    await app.request('/webhooks/payments', signed(event));
    expect((await slack.waitFor((c) => c.method === 'chat.postMessage')).args.channel).toBe('#money');
  });

  it('answers a retry of the same event id as a duplicate', async () => {
    const { app, ctx } = await setup();
    await app.request('/webhooks/payments', signed(event));
    const again = await app.request('/webhooks/payments', signed(event));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(ctx.db.select().from(notifications).all()).toHaveLength(1);
  });

  it("refuses a wrong secret and a stale timestamp with 400, in the kit's problem+json", async () => {
    const { app, ctx } = await setup();
    const forged = await app.request('/webhooks/payments', signed(event, 'whsec_wrong'));
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
    expect(await forged.json()).toMatchObject({ code: 'signature_invalid' });
    const stale = await app.request(
      '/webhooks/payments',
      signed(event, STRIPE_SECRET, Math.floor(Date.now() / 1000) - 3600),
    );
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({ title: expect.stringMatching(/tolerance/) });
    const missing = await app.request('/webhooks/payments', { method: 'POST', body: JSON.stringify(event) });
    expect(await missing.json()).toMatchObject({ code: 'signature_missing' });
    expect(ctx.db.select().from(notifications).all()).toHaveLength(0);
  });

  it('answers 503 with Retry-After while no endpoint secret is known yet', async () => {
    const slack = await startSlackApiRecorder();
    const ctx = testContext({ SLACK_API_URL: slack.apiUrl }, { secrets: { stripe: () => [] } });
    cleanups.push(
      () => slack.close(),
      () => ctx.close(),
    );
    const res = await createApp(ctx).request('/webhooks/payments', signed(event));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
