import type { RunningApp } from '@hooklab/service';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../../main.ts';
import {
  json,
  listen,
  ORDER_BODY,
  piObject,
  stripeDelivery,
  stripeEvent,
  TEST_STRIPE_SECRET,
} from '../../test-support.ts';

const INBOUND_SECRET = 'whsec_aG9va2xhYi1sb2dpc3RpY3MtaW5ib3VuZC1kZXYtc2VjcmV0';

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('order.created to logistics through the outbox (real dispatcher, real HTTP)', () => {
  const received: { orderId: string; webhookId: string; merchant: string | undefined; body: unknown }[] = [];
  const refusedSignatures: string[] = [];
  let failFirstFor: string | undefined;
  let logistics: Awaited<ReturnType<typeof listen>>;
  let shop: RunningApp;

  beforeAll(async () => {
    logistics = await listen((req, body, res) => {
      if (req.url !== '/v1/inbound/orders') return json(res, 404, {});
      let payload: { data: { order_id: string } };
      try {
        payload = new Webhook(INBOUND_SECRET).verify(
          body,
          req.headers as Record<string, string>,
        ) as typeof payload;
      } catch {
        refusedSignatures.push(String(req.headers['webhook-id']));
        return json(res, 401, { title: 'bad signature' });
      }
      const orderId = payload.data.order_id as string;
      if (orderId === failFirstFor) {
        failFirstFor = undefined;
        return json(res, 503, { title: 'down for a moment' });
      }
      received.push({
        orderId,
        webhookId: String(req.headers['webhook-id']),
        merchant: req.headers['x-merchant-id'] as string,
        body: payload,
      });
      json(res, 202, { shipment_id: `shp_${orderId}`, status_url: `/v1/shipments/shp_${orderId}` });
    });
    shop = await start({
      PORT: '0',
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '1',
      STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET,
      PAYMENTS_URL: 'http://127.0.0.1:9',
      LOGISTICS_URL: logistics.url,
      WEBHOOK_RETRY_SCHEDULE: 'local',
    });
  });
  afterAll(async () => {
    await shop?.close();
    await logistics?.close();
  });

  // The archive gown is one of a kind: the second test buys another dress.
  const newOrder = async (sku = 'OOS-TULLE') => {
    const res = await fetch(`${shop.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ORDER_BODY, items: [{ sku, quantity: 1 }] }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const send = (event: Record<string, unknown>) =>
    fetch(`${shop.url}/webhooks/stripe`, stripeDelivery(event));

  it('sends one signed order.created per order even when the paid event arrives twice (and as two event types)', async () => {
    const id = await newOrder();
    const succeeded = stripeEvent('payment_intent.succeeded', piObject(`pi_${id}`, id));
    const completed = stripeEvent('checkout.session.completed', {
      id: `cs_${id}`,
      object: 'checkout.session',
      payment_status: 'paid',
      payment_intent: `pi_${id}`,
      client_reference_id: id,
      metadata: { order_id: id },
    });
    const answers = await Promise.all([send(succeeded), send(succeeded), send(completed), send(completed)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const got = await until(() => received.find((r) => r.orderId === id), 'order.created at logistics');
    expect(got.merchant).toBe('mer_atelier');
    expect(got.body).toMatchObject({
      type: 'order.created',
      data: {
        order_id: id,
        items: [{ sku: 'OOS-TULLE', name: 'Archive tulle gown', quantity: 1 }],
        ship_to: ORDER_BODY.ship_to,
        callback_url: `${shop.url}/webhooks/logistics`,
      },
    });
    // Give any duplicate the chance to show up, then count.
    await new Promise((r) => setTimeout(r, 300));
    expect(received.filter((r) => r.orderId === id)).toHaveLength(1);
    expect(refusedSignatures).toEqual([]);
    const exchanges = (await (await fetch(`${shop.url}/_hooklab/exchanges`)).json()) as {
      data: { kind: string; direction: string; url: string; status: number }[];
    };
    expect(
      exchanges.data.some(
        (e) =>
          e.kind === 'webhook' &&
          e.direction === 'out' &&
          e.url === `${logistics.url}/v1/inbound/orders` &&
          e.status === 202,
      ),
    ).toBe(true);
  });

  it('retries when logistics is briefly down: delivered later, nothing lost', async () => {
    const id = await newOrder('DR-001');
    failFirstFor = id;
    await send(stripeEvent('payment_intent.succeeded', piObject(`pi_${id}`, id)));
    await until(() => received.find((r) => r.orderId === id), 'the retried order.created');
    expect(received.filter((r) => r.orderId === id)).toHaveLength(1);
  });
});
