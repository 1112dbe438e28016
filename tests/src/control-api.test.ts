// The kit's control API on the real apps: a paused sender holds its webhooks in the outbox and delivers
// them on resume; outside dev mode the control API and the live exchange stream are not there.
import { buyAndPay, createContext, getOrder, waitFor } from '@hooklab/scenarios';
import type { RunningApp } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

interface ControlState {
  receiver: { mode: string };
  senders: { name: string; paused: boolean; stats: { pending?: number } }[];
}

const control = async (url: string, body?: unknown): Promise<ControlState> => {
  const res = await fetch(`${url}/_hooklab/control`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ControlState;
};

describe('pausing a sender', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(['payments', 'shop']);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('holds payments’ webhooks in its outbox while paused, and delivers them on resume', async () => {
    const ctx = createContext({ urls: stack.urls, keys: { payments: 'sk_test_hooklab' } });
    const shopOrder = async (id: string) => (await getOrder(ctx, id)).status;
    await waitFor(
      async () =>
        (
          (await (await fetch(`${stack.urls.shop}/api/status`)).json()) as {
            stripe_webhook: { ready: boolean };
          }
        ).stripe_webhook.ready,
      { what: 'the shop’s Stripe endpoint' },
    );

    const paused = await control(stack.urls.payments, { sender: { name: 'outbox', paused: true } });
    expect(paused.senders).toEqual([expect.objectContaining({ name: 'outbox', paused: true })]);
    const orderId = await buyAndPay(ctx, 'DR-001');

    // The events of the payment wait in the outbox: that is the witness that the pause holds them.
    const waiting = await waitFor(
      async () => {
        const n = (await control(stack.urls.payments)).senders[0]?.stats.pending ?? 0;
        return n > 0 ? n : false;
      },
      { what: 'payments’ events to wait in its outbox' },
    );
    expect(waiting).toBeGreaterThan(0);
    expect(await shopOrder(orderId)).toBe('pending_payment');

    const resumed = await control(stack.urls.payments, { sender: { name: 'outbox', paused: false } });
    expect(resumed.senders[0]?.paused).toBe(false);
    await waitFor(async () => (await shopOrder(orderId)) === 'paid', { what: `order ${orderId} paid` });
    expect((await control(stack.urls.payments)).senders[0]?.stats.pending).toBe(0);
  });
});

describe('signature notes on the real receivers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(['shop']);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the shop’s recorded deliveries say whether their signature held', async () => {
    const forged = await fetch(`${stack.urls.shop}/webhooks/logistics`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      },
      body: '{"type":"shipment.delivered","data":{}}',
    });
    expect(forged.status).toBe(400);
    // The shop also calls out on its own (endpoint registration, pollers): find the forged delivery's record.
    const { data } = (await (await fetch(`${stack.urls.shop}/_hooklab/exchanges?limit=200`)).json()) as {
      data: { direction: string; url: string; signature?: { verified: boolean; scheme?: string } }[];
    };
    const received = data.filter((e) => e.direction === 'in' && /\/webhooks\/logistics$/.test(e.url));
    expect(received).toHaveLength(1);
    expect(received[0]?.signature).toMatchObject({ verified: false, scheme: 'standard' });
  });
});

describe('outside dev mode', () => {
  let app: RunningApp;
  beforeAll(async () => {
    const { start } = await import('@hooklab/payments');
    app = await start({ PORT: '0', DATA_DIR: ':memory:', LOG_LEVEL: 'silent', HOOKLAB_DEV: '0' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has no control API and no exchange stream: 404, and the switch did not flip', async () => {
    const post = await fetch(`${app.url}/_hooklab/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"receiver":{"mode":"down"}}',
    });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${app.url}/_hooklab/control`)).status).toBe(404);
    expect((await fetch(`${app.url}/_hooklab/exchanges/stream`)).status).toBe(404);
    // A webhook-shaped request still reaches the app (it answers as payments, not as a faulted receiver).
    const res = await fetch(`${app.url}/v1/events`, { headers: { 'webhook-id': 'msg_1' } });
    expect(res.status).toBe(401);
  });
});
