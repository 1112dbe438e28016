import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, createOrder, testShop } from '../test-support.ts';

describe('GET /api/metrics/confirmation (S02 counters)', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('is for the back office only: it names orders and PaymentIntents', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const path = `/api/metrics/confirmation?order_ids=${order.id}`;

    const strangers: Record<string, string>[] = [
      {},
      { cookie: order.cookie },
      { authorization: 'Bearer nope' },
    ];
    for (const headers of strangers) {
      const res = await shop.app.request(path, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const text = await res.text();
      expect(text).not.toContain(order.id);
    }

    const res = await shop.app.request(path, { headers: ADMIN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { webhook: { orders: number }; orders: { order_id: string }[] };
    expect(body.orders.map((o) => o.order_id)).toEqual([order.id]);
    expect(body.webhook.orders).toBe(1);
  });

  it('has no way in outside dev mode without SHOP_ADMIN_KEY', async () => {
    shop = testShop({ env: { HOOKLAB_DEV: '0' } });
    const res = await shop.app.request('/api/metrics/confirmation', { headers: ADMIN });
    expect(res.status).toBe(401);
  });
});
