import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  auth,
  createTestLogistics,
  json,
  order,
  type Receiver,
  signedOrder,
  startReceiver,
  until,
} from '../test-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(receiver: Receiver, env: Record<string, string> = {}) {
  const t = createTestLogistics({
    env: { LOGISTICS_DEV_CALLBACK_URL: `${receiver.url}/webhooks/logistics`, ...env },
  });
  cleanups.push(() => t.close());
  await t.startWorkers();
  return t;
}

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

describe('the durable pipeline with callbacks', () => {
  it('runs an inbound order to delivered and calls back, verified by the standardwebhooks library', async () => {
    const shop = await receiver();
    const t = await setup(shop);
    const res = await t.app.request(
      '/v1/inbound/orders',
      signedOrder({
        type: 'order.created',
        timestamp: new Date().toISOString(),
        data: order({ order_id: 'ord_e2e' }),
      }),
    );
    const { shipment_id } = await res.json();
    const events = await shop.nextEvents(3);
    expect(events.map((e) => e.type)).toEqual([
      'shipment.fulfilled',
      'tracking.updated',
      'shipment.delivered',
    ]);
    expect(events[0]!.data).toMatchObject({
      shipment_id,
      order_id: 'ord_e2e',
      carrier: 'colissimo',
      tracking_number: expect.stringMatching(/^6A/),
      label_url: expect.stringContaining('/blobs/labels/'),
      status: 'shipped',
    });
    expect(events[1]!.data).toMatchObject({
      shipment_id,
      order_id: 'ord_e2e',
      status: 'in_transit',
      location: expect.any(String),
    });
    expect(events[2]!.data).toMatchObject({
      shipment_id,
      order_id: 'ord_e2e',
      delivered_at: expect.any(String),
    });
    expect(shop.requests.every((r) => r.url === '/webhooks/logistics')).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    const final = await t.app.request(`/v1/shipments/${shipment_id}`, { headers: auth() });
    expect(final.status).toBe(303);
  });

  it('sends shipment.failed with the reason for the injectable failures', async () => {
    const shop = await receiver();
    const t = await setup(shop);
    await t.app.request(
      '/v1/shipments',
      json(order({ order_id: 'ord_oos', items: [{ sku: 'OOS-1', quantity: 1 }] })),
    );
    await t.app.request(
      '/v1/shipments',
      json(
        order({
          order_id: 'ord_addr',
          ship_to: { name: 'A', line1: 'B', city: 'C', postal_code: '00000', country: 'FR' },
        }),
      ),
    );
    const events = await shop.nextEvents(2);
    const byOrder = Object.fromEntries(events.map((e) => [e.data.order_id, e]));
    expect(byOrder.ord_oos).toMatchObject({ type: 'shipment.failed', data: { reason: 'out_of_stock' } });
    expect(byOrder.ord_addr).toMatchObject({ type: 'shipment.failed', data: { reason: 'address_invalid' } });
  });

  it("sends to the shipment's callback_url instead of the merchant default", async () => {
    const shop = await receiver();
    const other = await receiver();
    const t = await setup(shop);
    await t.app.request('/v1/shipments', json(order({ callback_url: `${other.url}/mine` })));
    await other.nextEvents(3);
    expect(other.requests.every((r) => r.url === '/mine')).toBe(true);
    expect(t.outboxMessages().map((m) => m.url)).toEqual(Array(3).fill(`${other.url}/mine`));
    expect(shop.requests).toHaveLength(0);
  });

  it('retries a callback when the shop is down (503, then 200), with the same webhook-id', async () => {
    const shop = await receiver((_req, res, n) => {
      if (n === 1) res.writeHead(503, { 'retry-after': '0' }).end('down');
      else res.writeHead(200).end('ok');
    });
    const t = await setup(shop);
    await t.app.request('/v1/shipments', json(order({ items: [{ sku: 'OOS-9', quantity: 1 }] })));
    await shop.arrival((all) => all.length >= 2, 15_000);
    const [first, second] = shop.requests;
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    expect(shop.events().map((e) => e.type)).toEqual(['shipment.failed', 'shipment.failed']);
    // The outcome is written by the dispatcher's group commit, a moment after the receiver answered.
    const row = () =>
      t.sqlite.prepare('SELECT status, attempts FROM outbox_messages').get() as { status: string };
    await until(() => row().status === 'delivered');
    expect(row()).toEqual({ status: 'delivered', attempts: 2 });
  });

  it('resumes unfinished jobs after a restart (file database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logistics-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const shop = await receiver();
    const file = join(dir, 'logistics.sqlite');
    const env = { LOGISTICS_DEV_CALLBACK_URL: `${shop.url}/cb`, LOGISTICS_STAGE_MS: '40' };
    const blobDir = join(dir, 'blobs');

    const first = createTestLogistics({ file, env, blobDir });
    await first.startWorkers();
    const { id } = await (
      await first.app.request('/v1/shipments', json(order({ order_id: 'ord_restart' })))
    ).json();
    await until(async () => {
      const s = await (
        await first.app.request(`/v1/shipments/${id}?view=status`, { headers: auth() })
      ).json();
      return ['label_purchased', 'shipped'].includes(s.status);
    });
    await first.close();
    expect(first.sqlite.open).toBe(false);

    const second = createTestLogistics({ file, env, blobDir });
    cleanups.push(() => second.close());
    const midway = await (
      await second.app.request(`/v1/shipments/${id}?view=status`, { headers: auth() })
    ).json();
    expect(['label_purchased', 'shipped', 'in_transit']).toContain(midway.status);
    await second.startWorkers();
    await until(
      async () => (await second.app.request(`/v1/shipments/${id}`, { headers: auth() })).status === 303,
    );
    const result = await (await second.app.request(`/v1/shipments/${id}/result`, { headers: auth() })).json();
    expect(result.status).toBe('delivered');
    expect(result.events.map((e: { status: string }) => e.status)).toEqual([
      'picking',
      'packed',
      'label_purchased',
      'shipped',
      'in_transit',
      'delivered',
    ]);
    await shop.arrival(() => shop.events().some((e) => e.type === 'shipment.delivered'));
    // The step that crossed the restart wrote its callback once: the outbox holds each event once.
    const types = second.outboxMessages().map((m) => m.type);
    expect(types).toEqual(['shipment.fulfilled', 'tracking.updated', 'shipment.delivered']);
    expect(shop.events().map((e) => e.type)).toContain('shipment.fulfilled');
  });
});
