import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseFileFor } from '@hooklab/db';
import type { Exchange, RunningApp } from '@hooklab/service';
import { createSqliteOutbox } from '@hooklab/webhooks';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShopDatabase } from '../../db/index.ts';
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

describe('order.created to logistics through the outbox (real dispatcher, real HTTP)', () => {
  const received: { orderId: string; webhookId: string; merchant: string | undefined; body: unknown }[] = [];
  const refusedSignatures: string[] = [];
  let failFirstFor: string | undefined;
  // Resolved when logistics receives (and accepts) the order's order.created: a signal, never a timed wait.
  const arrivals = new Map<string, () => void>();
  const arrival = (orderId: string) =>
    new Promise<void>((resolve) => {
      if (received.some((r) => r.orderId === orderId)) resolve();
      else arrivals.set(orderId, resolve);
    });
  let logistics: Awaited<ReturnType<typeof listen>>;
  let shop: RunningApp;
  // A file database, so the test can read the shop's outbox through the store's own API.
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-order-created-'));
  let reader: ReturnType<typeof openShopDatabase>;
  /** Every order.created the shop ever enqueued for this order (a second send would be a second message). */
  const enqueuedFor = async (orderId: string) => {
    const outbox = createSqliteOutbox(reader.sqlite, { tablePrefix: 'shop_' });
    const all = await outbox.listMessages({ endpointId: 'logistics:mer_atelier', limit: 1000 });
    return all.filter((m) => m.eventId === `order.created.${orderId}`);
  };

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
      arrivals.get(orderId)?.();
      json(res, 202, { shipment_id: `shp_${orderId}`, status_url: `/v1/shipments/shp_${orderId}` });
    });
    shop = await start({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '1',
      STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET,
      PAYMENTS_URL: 'http://127.0.0.1:9',
      LOGISTICS_URL: logistics.url,
      WEBHOOK_RETRY_SCHEDULE: 'local',
    });
    reader = openShopDatabase(databaseFileFor('shop', dataDir));
  });
  afterAll(async () => {
    reader?.close();
    await shop?.close();
    await logistics?.close();
    rmSync(dataDir, { recursive: true, force: true });
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
    // The dispatcher records each attempt once it has the answer: that record is the witness we wait for.
    const attempt = new Promise<Exchange>((resolve) => {
      const stop = shop.recorder!.subscribe((e) => {
        if (e.kind === 'webhook' && e.direction === 'out' && e.url === `${logistics.url}/v1/inbound/orders`) {
          stop();
          resolve(e);
        }
      });
    });
    const arrived = arrival(id);
    const answers = await Promise.all([send(succeeded), send(succeeded), send(completed), send(completed)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // Each 200 came after its transaction committed: whatever the four deliveries enqueued is in the outbox now.
    const messages = await enqueuedFor(id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      eventType: 'order.created',
      url: `${logistics.url}/v1/inbound/orders`,
    });
    await arrived;
    const got = received.find((r) => r.orderId === id)!;
    expect(got.webhookId).toBe(messages[0]!.id);
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
    expect(refusedSignatures).toEqual([]);
    expect(await attempt).toMatchObject({ status: 202 });
  });

  it('retries when logistics is briefly down: delivered later, nothing lost', async () => {
    const id = await newOrder('DR-001');
    failFirstFor = id;
    const arrived = arrival(id);
    await send(stripeEvent('payment_intent.succeeded', piObject(`pi_${id}`, id)));
    await arrived;
    // The 503 was answered and the same message (same webhook-id) came again: one message, two attempts.
    const messages = await enqueuedFor(id);
    expect(messages).toHaveLength(1);
    expect(received.filter((r) => r.orderId === id).map((r) => r.webhookId)).toEqual([messages[0]!.id]);
  });
});
