import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, createOrder, testShop } from '../../test-support.ts';

const SECRET = 'whsec_aG9va2xhYi1sb2dpc3RpY3MtY2FsbGJhY2stZGV2LXNlY3JldA==';
let n = 0;

/** A callback signed by the standardwebhooks library, as logistics sends it. */
function callback(
  type: string,
  data: Record<string, unknown>,
  opts: { secret?: string; id?: string; at?: Date } = {},
) {
  const id = opts.id ?? `msg_cb_${++n}`;
  const at = opts.at ?? new Date();
  const payload = JSON.stringify({ type, timestamp: at.toISOString(), data });
  const signature = new Webhook(opts.secret ?? SECRET).sign(id, at, payload);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body: payload,
  };
}

describe('POST /webhooks/logistics', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());
  const deliver = (init: RequestInit) => shop.app.request('/webhooks/logistics', init);
  const order = async (id: string) =>
    (await (await shop.app.request(`/api/orders/${id}`, { headers: ADMIN })).json()) as {
      status: string;
      failure_reason: string | null;
      shipment: Record<string, unknown> | null;
    };

  async function paidOrder() {
    const o = await createOrder(shop.app);
    shop.ctx.orders.signal(o.id, 'payment_succeeded', { source: 'test' });
    return o.id;
  }

  it('moves a paid order to fulfilled (with tracking) then delivered', async () => {
    shop = testShop();
    const id = await paidOrder();
    const fulfilled = await deliver(
      callback('shipment.fulfilled', {
        shipment_id: 'shp_1',
        order_id: id,
        carrier: 'La Poste',
        tracking_number: '6A123',
        label_url: 'http://l/label.pdf',
        status: 'shipped',
      }),
    );
    expect(fulfilled.status).toBe(200);
    expect(await order(id)).toMatchObject({
      status: 'fulfilled',
      shipment: {
        id: 'shp_1',
        carrier: 'La Poste',
        tracking_number: '6A123',
        label_url: 'http://l/label.pdf',
      },
    });
    await deliver(
      callback('tracking.updated', {
        shipment_id: 'shp_1',
        order_id: id,
        status: 'in_transit',
        location: 'Lyon hub',
        at: new Date().toISOString(),
      }),
    );
    expect((await order(id)).shipment).toMatchObject({ tracking_status: 'in_transit', location: 'Lyon hub' });
    await deliver(
      callback('shipment.delivered', {
        shipment_id: 'shp_1',
        order_id: id,
        delivered_at: new Date().toISOString(),
      }),
    );
    expect(await order(id)).toMatchObject({
      status: 'delivered',
      shipment: { tracking_status: 'delivered' },
    });
  });

  it('records shipment.failed as fulfilment_failed with the reason', async () => {
    shop = testShop();
    const id = await paidOrder();
    await deliver(
      callback('shipment.failed', { shipment_id: 'shp_2', order_id: id, reason: 'out_of_stock' }),
    );
    expect(await order(id)).toMatchObject({ status: 'fulfilment_failed', failure_reason: 'out_of_stock' });
  });

  it('handles a repeated webhook-id once', async () => {
    shop = testShop();
    const id = await paidOrder();
    const init = callback(
      'shipment.fulfilled',
      { shipment_id: 'shp_3', order_id: id, carrier: 'DHL', tracking_number: 'X1' },
      { id: 'msg_same' },
    );
    expect((await deliver(init)).status).toBe(200);
    const again = await deliver(init);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(shop.ctx.orders.events(id).filter((e) => e.type === 'order.fulfilled')).toHaveLength(1);
  });

  it('refuses a wrong secret, a tampered body, a stale timestamp and missing headers', async () => {
    shop = testShop();
    const id = await paidOrder();
    const data = { shipment_id: 'shp_4', order_id: id, carrier: 'DHL', tracking_number: 'X2' };
    const tampered = callback('shipment.fulfilled', data);
    tampered.body = tampered.body.replace('X2', 'X3');
    const cases = [
      callback('shipment.fulfilled', data, { secret: 'whsec_c29tZW9uZS1lbHNl' }),
      tampered,
      callback('shipment.fulfilled', data, { at: new Date(Date.now() - 3600_000) }),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'shipment.fulfilled', data }),
      },
    ];
    for (const init of cases) expect((await deliver(init)).status).toBe(400);
    expect((await order(id)).status).toBe('paid');
  });

  it('refuses a signed but malformed callback with 422, and acknowledges an unknown type', async () => {
    shop = testShop();
    expect((await deliver(callback('shipment.fulfilled', { order_id: 42 }))).status).toBe(422);
    const unknown = await deliver(callback('shipment.teleported', { order_id: 'x' }));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ action: 'ignored_type' });
  });

  it('ignores a fulfilment callback for an unpaid order (never backwards, never skipping payment)', async () => {
    shop = testShop();
    const o = await createOrder(shop.app);
    await deliver(callback('shipment.delivered', { shipment_id: 'shp_5', order_id: o.id }));
    expect((await order(o.id)).status).toBe('pending_payment');
  });

  it('stores manifest.ready and hands it to the downloader', async () => {
    const queued: string[] = [];
    shop = testShop({ deps: { onManifest: (id) => queued.push(id) } });
    const res = await deliver(
      callback('manifest.ready', {
        manifest_id: 'man_1',
        date: '2026-11-29',
        url: 'http://127.0.0.1:9/m.ndjson',
        size: 10,
        content_type: 'application/x-ndjson',
        sha256: 'a'.repeat(64),
        expires_at: new Date().toISOString(),
      }),
    );
    expect(res.status).toBe(200);
    expect(queued).toEqual(['man_1']);
    const page = await shop.app.request('/admin/manifests', { headers: ADMIN });
    expect(await page.text()).toContain('man_1');
  });
  it('sends each tracking update to subscribed endpoints as order.tracking_updated, a redelivery once', async () => {
    shop = testShop();
    const reg = async (enabled_events: string[], url: string) =>
      (await (
        await shop.app.request('/v1/webhook_endpoints', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...ADMIN },
          body: JSON.stringify({ url, enabled_events }),
        })
      ).json()) as { id: string };
    const tracking = await reg(['order.tracking_updated'], 'http://127.0.0.1:3005/webhooks/shop');
    const paidOnly = await reg(['order.paid'], 'http://127.0.0.1:3999/hooks');
    const id = await paidOrder();
    await deliver(
      callback('shipment.fulfilled', {
        shipment_id: 'shp_t',
        order_id: id,
        carrier: 'DHL',
        tracking_number: 'T1',
      }),
    );
    const first = callback(
      'tracking.updated',
      {
        shipment_id: 'shp_t',
        order_id: id,
        status: 'in_transit',
        location: 'Lyon hub',
        at: '2026-01-01T10:00:00Z',
      },
      { id: 'msg_track_1' },
    );
    expect((await deliver(first)).status).toBe(200);
    expect((await deliver(first)).status).toBe(200);
    await deliver(
      callback(
        'tracking.updated',
        { shipment_id: 'shp_t', order_id: id, status: 'out_for_delivery' },
        { id: 'msg_track_2' },
      ),
    );
    const sent = await shop.outbox.listMessages({ endpointId: `endpoint:${tracking.id}`, limit: 100 });
    expect(sent.map((m) => m.eventId).sort()).toEqual([
      `order.tracking_updated.${id}.msg_track_1`,
      `order.tracking_updated.${id}.msg_track_2`,
    ]);
    const body = JSON.parse(sent.find((m) => m.eventId.endsWith('msg_track_1'))!.body);
    expect(body).toMatchObject({
      type: 'order.tracking_updated',
      data: {
        order_id: id,
        status: 'fulfilled',
        carrier: 'DHL',
        tracking_number: 'T1',
        tracking: { status: 'in_transit', location: 'Lyon hub', at: '2026-01-01T10:00:00Z' },
      },
    });
    expect(body.data.url).toMatch(new RegExp(`/orders/${id}$`));
    const other = await shop.outbox.listMessages({ endpointId: `endpoint:${paidOnly.id}`, limit: 100 });
    expect(other.map((m) => m.eventType)).toEqual(['order.paid']);
  });
});
