import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@hooklab/db';
import { createManualClock } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLogisticsConfig } from '../config.ts';
import { migrationsFolder, schema } from '../db/index.ts';
import { seedMerchants } from '../db/seed.ts';
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
    cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
    const shop = await receiver();
    const file = join(dir, 'logistics.sqlite');
    const env = { LOGISTICS_DEV_CALLBACK_URL: `${shop.url}/cb`, LOGISTICS_STAGE_MS: '40' };
    const blobDir = join(dir, 'blobs');

    // The first process runs three stages on a manual clock, so it stops exactly after `shipped`.
    const clock = createManualClock(Date.now());
    const first = createTestLogistics({ file, env, blobDir, clock });
    const { id } = await (
      await first.app.request('/v1/shipments', json(order({ order_id: 'ord_restart' })))
    ).json();
    for (let i = 0; i < 3; i++) {
      clock.advance(40);
      expect(await first.jobs.runDue()).toBe(1);
    }
    await first.close();
    expect(first.sqlite.open).toBe(false);

    // The second process finds the shipment where the first left it, and its fulfilled callback not yet sent.
    const second = createTestLogistics({ file, env, blobDir });
    cleanups.push(() => second.close());
    const midway = await (
      await second.app.request(`/v1/shipments/${id}?view=status`, { headers: auth() })
    ).json();
    expect(midway.status).toBe('shipped');
    expect(shop.requests).toHaveLength(0);
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

  it('carries the jobs pending in the old jobs table over to the shared runner (migration 0002)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logistics-upgrade-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
    const shop = await receiver();
    // A database as the app left it before 0002: migrations 0000 and 0001 only, one shipment mid-pipeline.
    const before = join(dir, 'drizzle-0001');
    cpSync(migrationsFolder, before, { recursive: true });
    const journalFile = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
    journal.entries = journal.entries.slice(0, 2);
    writeFileSync(journalFile, JSON.stringify(journal));
    const file = join(dir, 'logistics.sqlite');
    const old = openDatabase({ file, schema, migrationsFolder: before });
    seedMerchants(old.db, loadLogisticsConfig({ HOOKLAB_DEV: '1', SHOP_URL: shop.url }), 0);
    old.sqlite
      .prepare(
        `INSERT INTO shipments (id, merchant_id, order_id, source, items, ship_to, status, events, created_at, updated_at)
         VALUES ('shp_old', 'mer_atelier', 'ord_old', 'api', '[{"sku":"DR-1","quantity":1}]',
           '{"name":"A","line1":"B","city":"Paris","postal_code":"75001","country":"FR"}', 'in_transit', '[]', 1, 1)`,
      )
      .run();
    old.sqlite
      .prepare(
        `INSERT INTO jobs (id, kind, subject_id, status, next_run_at, attempts, created_at, updated_at)
         VALUES ('job_shipment_shp_old', 'shipment', 'shp_old', 'pending', 1, 0, 1, 1)`,
      )
      .run();
    old.close();

    const t = createTestLogistics({ file, env: { LOGISTICS_DEV_CALLBACK_URL: `${shop.url}/cb` } });
    cleanups.push(() => t.close());
    expect(t.jobs.pending()).toBe(1);
    const tables = t.sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'jobs%' ORDER BY name`)
      .all();
    expect(tables).toEqual([{ name: 'jobs_queue' }]);
    await t.startWorkers();
    const [event] = await shop.nextEvents(1);
    expect(event).toMatchObject({ type: 'shipment.delivered', data: { shipment_id: 'shp_old' } });
  });
});
