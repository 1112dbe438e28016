import { createHmac } from 'node:crypto';
import { serve } from '@hooklab/service';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { createStripeClient } from '../../clients/payments.ts';
import { SIGNING_SECRET, startSlackApiRecorder, testContext } from '../../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const order = {
  id: 'ord_Paid42xyz',
  object: 'order',
  status: 'paid',
  amount_total: 12000,
  currency: 'eur',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  items: [{ name: 'Silk dress', quantity: 1 }],
  payment: { payment_intent_id: 'pi_42' },
  refund: null,
  shipment: null,
  url: 'http://shop.test/orders/ord_Paid42xyz',
};

/** The shop's JSON API and payments' refunds, as small stand-ins that record what they were asked. */
async function setup(opts: { shopGate?: Promise<void> } = {}) {
  const slack = await startSlackApiRecorder();
  const seen: { shop: string[]; refunds: Record<string, string>[] } = { shop: [], refunds: [] };
  const fakes = new Hono();
  fakes.get('/api/orders/:id', async (c) => {
    seen.shop.push(`${c.req.header('authorization')} ${c.req.param('id')}`);
    await opts.shopGate;
    return c.req.param('id') === order.id
      ? c.json(order)
      : c.json({ status: 404, code: 'not_found', title: 'Not found' }, 404);
  });
  fakes.post('/v1/refunds', async (c) => {
    const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
    seen.refunds.push({ ...form, idempotencyKey: c.req.header('idempotency-key') ?? '' });
    return c.json({
      id: 're_1',
      object: 'refund',
      status: 'succeeded',
      amount: 12000,
      payment_intent: form.payment_intent,
    });
  });
  const server = await serve({ app: fakes, port: 0, hostname: '127.0.0.1' });
  const ctx = testContext(
    { SLACK_API_URL: slack.apiUrl, SHOP_URL: server.url, SHOP_ADMIN_KEY: 'shop_admin_test' },
    { stripe: createStripeClient({ secretKey: 'sk_test_hooklab', paymentsUrl: server.url }) },
  );
  cleanups.push(
    () => slack.close(),
    () => server.close(),
    () => ctx.close(),
  );
  return { slack, seen, app: createApp(ctx) };
}

/** Signed the way Slack signs: v0 HMAC of `v0:ts:body`. */
function slackRequest(body: string, contentType: string, opts: { secret?: string; ts?: number } = {}) {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', opts.secret ?? SIGNING_SECRET)
    .update(`v0:${ts}:${body}`)
    .digest('hex');
  return {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': `v0=${sig}`,
    },
    body,
  };
}

const json = (o: object) => slackRequest(JSON.stringify(o), 'application/json');
const form = (o: Record<string, string>) =>
  slackRequest(new URLSearchParams(o).toString(), 'application/x-www-form-urlencoded');

function messageEvent(text: string, channel = 'C0ORDERS', extra: object = {}) {
  return {
    token: 'legacy',
    team_id: 'T0HOOKLAB',
    api_app_id: 'A0NOTIFIER',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'message',
      channel,
      user: 'U0ALICE',
      text,
      ts: '1700000001.000100',
      channel_type: 'channel',
      ...extra,
    },
    authorizations: [{ team_id: 'T0HOOKLAB', user_id: 'U0BOT', is_bot: true }],
  };
}

describe('the Slack app (Bolt behind /slack/*)', () => {
  it('echoes the url_verification challenge', async () => {
    const { app } = await setup();
    const res = await app.request(
      '/slack/events',
      json({ token: 't', type: 'url_verification', challenge: 'ch4ll3nge' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch4ll3nge' });
  });

  it('refuses a forged or stale signature with 401', async () => {
    const { app } = await setup();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'x' });
    const forged = await app.request(
      '/slack/events',
      slackRequest(body, 'application/json', { secret: 'nope-nope' }),
    );
    expect(forged.status).toBe(401);
    const stale = await app.request(
      '/slack/events',
      slackRequest(body, 'application/json', { ts: Math.floor(Date.now() / 1000) - 600 }),
    );
    expect(stale.status).toBe(401);
  });

  it('answers "order ord_…?" in #orders in the thread, from the shop API with the back-office key', async () => {
    const { app, slack, seen } = await setup();
    const res = await app.request('/slack/events', json(messageEvent(`order ${order.id}?`)));
    expect(res.status).toBe(200);
    const say = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(say.args).toMatchObject({
      channel: 'C0ORDERS',
      thread_ts: '1700000001.000100',
      text: `Order ${order.id} is paid (€120.00)`,
    });
    expect(seen.shop).toEqual([`Bearer shop_admin_test ${order.id}`]);
  });

  it('stays quiet on bot messages (its own answers) and outside #orders', async () => {
    const { app, slack } = await setup();
    await app.request(
      '/slack/events',
      json(messageEvent(`order ${order.id}?`, 'C0ORDERS', { bot_id: 'B0BOT', user: undefined })),
    );
    await app.request('/slack/events', json(messageEvent(`order ${order.id}?`, 'C0RANDOM')));
    // The witness: a later question in #orders is answered, and it is the only answer.
    await app.request('/slack/events', json(messageEvent('order ord_Paid42xyz')));
    await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('acks /order at once and answers through response_url', async () => {
    const { app, slack } = await setup();
    const res = await app.request(
      '/slack/commands',
      form({
        command: '/order',
        text: order.id,
        team_id: 'T0HOOKLAB',
        channel_id: 'C0ORDERS',
        user_id: 'U0ALICE',
        response_url: `${slack.url}/response/cmd1`,
        trigger_id: 't1',
      }),
    );
    expect(res.status).toBe(200);
    const answer = await slack.waitFor((c) => c.method === 'response_url:cmd1');
    expect(answer.args).toMatchObject({
      response_type: 'in_channel',
      text: `Order ${order.id} is paid (€120.00)`,
    });
  });

  it('acks before the work: the HTTP answer leaves while the shop has not answered yet', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const { app, slack, seen } = await setup({ shopGate: gate });
    // Were the answer held until the listener finished, this would wait on the gate for ever.
    const res = await app.request(
      '/slack/commands',
      form({
        command: '/order',
        text: order.id,
        team_id: 'T0HOOKLAB',
        channel_id: 'C0ORDERS',
        user_id: 'U0ALICE',
        response_url: `${slack.url}/response/slow`,
        trigger_id: 't3',
      }),
    );
    expect(res.status).toBe(200);
    expect(slack.calls.some((c) => c.method === 'response_url:slow')).toBe(false);
    openGate();
    await slack.waitFor((c) => c.method === 'response_url:slow');
    expect(seen.shop).toHaveLength(1);
  });

  it('answers /order without an id with its usage, in the ack', async () => {
    const { app } = await setup();
    const res = await app.request(
      '/slack/commands',
      form({
        command: '/order',
        text: '',
        team_id: 'T0HOOKLAB',
        channel_id: 'C0ORDERS',
        user_id: 'U0ALICE',
        response_url: 'http://127.0.0.1:9/x',
        trigger_id: 't',
      }),
    );
    expect(await res.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Usage'),
    });
  });

  it('refunds through the stripe SDK when Refund is pressed, and updates the message via response_url', async () => {
    const { app, slack, seen } = await setup();
    const payload = {
      type: 'block_actions',
      team: { id: 'T0HOOKLAB' },
      user: { id: 'U0ALICE' },
      api_app_id: 'A0NOTIFIER',
      channel: { id: 'C0ORDERS' },
      container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'C0ORDERS' },
      message: {
        ts: '1700000000.000001',
        text: 'Order paid',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Order paid' } },
          { type: 'actions', elements: [] },
        ],
      },
      response_url: `${slack.url}/response/act1`,
      trigger_id: 't2',
      actions: [
        {
          type: 'button',
          action_id: 'refund_order',
          block_id: `refund:${order.id}`,
          value: order.id,
          action_ts: '1700000002.0',
        },
      ],
    };
    const res = await app.request('/slack/actions', form({ payload: JSON.stringify(payload) }));
    expect(res.status).toBe(200);
    const update = await slack.waitFor((c) => c.method === 'response_url:act1');
    expect(update.args).toMatchObject({
      replace_original: true,
      text: expect.stringContaining('Refund `re_1`'),
    });
    expect((update.args.blocks as { type: string }[]).some((b) => b.type === 'actions')).toBe(false);
    expect(seen.refunds).toEqual([
      expect.objectContaining({
        payment_intent: 'pi_42',
        'metadata[order_id]': order.id,
        idempotencyKey: `notifier-refund-${order.id}`,
      }),
    ]);
  });
});
