import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, createTestLogistics, order, signedOrder } from '../../test-support.ts';

let t: ReturnType<typeof createTestLogistics>;
beforeEach(() => {
  t = createTestLogistics();
});
afterEach(async () => {
  await t.close();
});

const event = (data: unknown, type = 'order.created') => ({
  type,
  timestamp: '2026-11-29T10:00:00.000Z',
  data,
});
const send = (init: ReturnType<typeof signedOrder>) => t.app.request('/v1/inbound/orders', init);
const count = () => (t.sqlite.prepare('SELECT count(*) AS n FROM shipments').get() as { n: number }).n;

describe('POST /v1/inbound/orders (order.created, Standard Webhooks)', () => {
  it('accepts a signed order with 202 and a status URL the merchant can read', async () => {
    const res = await send(signedOrder(event(order({ order_id: 'ord_in_1' }))));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toEqual({
      shipment_id: expect.stringMatching(/^shp_/),
      status_url: `/v1/shipments/${body.shipment_id}`,
    });
    const shipment = await (await t.app.request(body.status_url, { headers: auth() })).json();
    expect(shipment).toMatchObject({ order_id: 'ord_in_1', source: 'webhook', status: 'picking' });
  });

  it('refuses a bad signature, a stale timestamp or a missing header with 401, creating nothing', async () => {
    const good = signedOrder(event(order()));
    const tampered = { ...good, body: good.body.replace('Ada', 'Eve') };
    const wrongSecret = signedOrder(event(order()), {
      secret: 'whsec_dGhpcy1pcy1ub3QtdGhlLXJpZ2h0LXNlY3JldC0xMjM=',
    });
    const stale = signedOrder(event(order()), { at: new Date(Date.now() - 3600_000) });
    const noSig = signedOrder(event(order()));
    delete (noSig.headers as Record<string, string>)['webhook-signature'];
    for (const init of [tampered, wrongSecret, stale, noSig]) {
      const res = await send(init);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(count()).toBe(0);
  });

  it('refuses an unknown or missing merchant with 401 problem+json', async () => {
    const unknown = await send(signedOrder(event(order()), { merchant: 'mer_nobody' }));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: 'unknown_merchant' });
    const init = signedOrder(event(order()));
    delete (init.headers as Record<string, string>)['x-merchant-id'];
    const missing = await send(init);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 'merchant_required' });
    // The other merchant's secret does not verify a delivery that names mer_atelier.
    const crossed = await send(
      signedOrder(event(order()), {
        secret: 'whsec_aG9va2xhYi1sb2dpc3RpY3Mtb3RoZXItbWVyY2hhbnQtaW5ib3VuZA==',
      }),
    );
    expect(crossed.status).toBe(401);
    expect(count()).toBe(0);
  });

  it('answers a replayed webhook-id 200 without effect', async () => {
    const init = signedOrder(event(order()), { id: 'msg_replayed_1' });
    expect((await send(init)).status).toBe(202);
    const again = await send(init);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(count()).toBe(1);
  });

  it('keeps webhook-ids per merchant: the same id from two merchants is two messages', async () => {
    const other = {
      merchant: 'mer_other',
      secret: 'whsec_aG9va2xhYi1sb2dpc3RpY3Mtb3RoZXItbWVyY2hhbnQtaW5ib3VuZA==',
    };
    const a = await send(signedOrder(event(order({ order_id: 'ord_a' })), { id: 'msg_same' }));
    const b = await send(signedOrder(event(order({ order_id: 'ord_b' })), { id: 'msg_same', ...other }));
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(count()).toBe(2);
    // Written with the shipment, in its transaction, under the sender's id.
    expect(
      t.sqlite.prepare('SELECT merchant_id, webhook_id FROM inbound_webhooks ORDER BY merchant_id').all(),
    ).toEqual([
      { merchant_id: 'mer_atelier', webhook_id: 'msg_same' },
      { merchant_id: 'mer_other', webhook_id: 'msg_same' },
    ]);
  });

  it('gives one shipment for a duplicate order.created with a new webhook-id', async () => {
    const o = order({ order_id: 'ord_twice' });
    const a = await (await send(signedOrder(event(o)))).json();
    const b = await send(signedOrder(event(o)));
    expect(b.status).toBe(202);
    expect((await b.json()).shipment_id).toBe(a.shipment_id);
    expect(count()).toBe(1);
  });

  it('keeps orders of different merchants apart', async () => {
    const o = order({ order_id: 'ord_shared' });
    const a = await (await send(signedOrder(event(o)))).json();
    const b = await (
      await send(
        signedOrder(event(o), {
          merchant: 'mer_other',
          secret: 'whsec_aG9va2xhYi1sb2dpc3RpY3Mtb3RoZXItbWVyY2hhbnQtaW5ib3VuZA==',
        }),
      )
    ).json();
    expect(b.shipment_id).not.toBe(a.shipment_id);
    expect(count()).toBe(2);
  });

  it('refuses malformed bodies with 400 (signed, so the check is on content)', async () => {
    const cases = [
      'not json at all',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(event({ order_id: 'x' })),
      JSON.stringify(event({ ...order(), items: [{ sku: 'DR-1', quantity: 'one' }] })),
      JSON.stringify(event(null)),
    ];
    for (const body of cases) {
      const res = await send(signedOrder(body));
      expect(res.status, body).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(count()).toBe(0);
  });

  it('refuses an oversized delivery with 413', async () => {
    const big = event(order({ items: [{ sku: 'DR-1', name: 'x'.repeat(300 * 1024), quantity: 1 }] }));
    const res = await send(signedOrder(big));
    expect(res.status).toBe(413);
    expect(count()).toBe(0);
  });

  it('refuses a callback_url at an internal address with 400, creating nothing', async () => {
    const res = await send(signedOrder(event(order({ callback_url: 'http://169.254.169.254/latest' }))));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ssrf_blocked' });
    expect(count()).toBe(0);
  });

  it('acknowledges other event types without acting on them', async () => {
    const res = await send(signedOrder(event({ order_id: 'ord_x' }, 'order.updated')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, ignored: 'order.updated' });
    expect(count()).toBe(0);
  });
});
