import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, listen, testShop } from '../test-support.ts';

describe('storefront pages', () => {
  let fake: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    fake = await listen((req, _body, res) => {
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        return json(res, 200, {
          id: 'cs_test_page',
          object: 'checkout.session',
          url: 'http://pay.test/pay/cs_test_page',
          status: 'open',
          payment_intent: 'pi_page',
        });
      }
      json(res, 404, { error: { type: 'invalid_request_error', message: 'no' } });
    });
  });
  afterAll(() => fake.close());

  it('browses, fills the bag (cookie), checks out with a 303 to the hosted page, and shows the order', async () => {
    const shop = testShop({ paymentsUrl: fake.url });
    try {
      const home = await shop.app.request('/');
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Linen wrap dress');
      expect((await shop.app.request('/dresses/silk-slip-dress')).status).toBe(200);
      expect((await shop.app.request('/dresses/nope')).status).toBe(404);

      const add = await shop.app.request('/cart/items', {
        method: 'POST',
        body: new URLSearchParams({ product_id: 'prd_silk_slip', quantity: '2' }),
      });
      expect(add.status).toBe(303);
      const cookie = add.headers.get('set-cookie')!.split(';')[0]!;
      const cart = await (await shop.app.request('/cart', { headers: { cookie } })).text();
      expect(cart).toContain('Silk slip dress');
      expect(cart).toContain('€378.00');

      const bad = await shop.app.request('/checkout', {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({
          name: 'Ada',
          email: 'nope',
          line1: 'x',
          city: 'Paris',
          postal_code: '75001',
          country: 'FR',
        }),
      });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('Please check');

      const nowhere = await shop.app.request('/checkout', {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({
          name: 'Ada',
          email: 'ada@example.com',
          line1: '1 Rue',
          city: 'Paris',
          postal_code: '75001',
          country: 'XX',
        }),
      });
      expect(nowhere.status).toBe(400);
      const refused = await nowhere.text();
      expect(refused).toContain('ship_to.country');
      expect(refused).toContain('ISO 3166-1');
      expect(shop.ctx.orders.list({ limit: 1 }).data).toEqual([]);

      const checkout = await shop.app.request('/checkout', {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({
          name: 'Ada',
          email: 'ada@example.com',
          line1: '1 Rue',
          city: 'Paris',
          postal_code: '75001',
          country: 'fr',
          confirmation: 'webhook',
        }),
      });
      expect(checkout.status).toBe(303);
      expect(checkout.headers.get('location')).toBe('http://pay.test/pay/cs_test_page');
      const [order] = shop.ctx.orders.list({ limit: 1 }).data;
      expect(order).toMatchObject({
        amount_total: 37800,
        payment: { checkout_session_id: 'cs_test_page', payment_intent_id: 'pi_page' },
      });
      expect(await (await shop.app.request('/cart', { headers: { cookie } })).text()).toContain(
        'Your bag is empty',
      );

      const page = await (
        await shop.app.request(`/orders/${order!.id}?session_id=cs_test_page`, { headers: { cookie } })
      ).text();
      expect(page).toContain('data-status="pending_payment"');
      expect(page).toContain(`data-stream="/orders/${order!.id}/live?returned=1"`);
      expect(page).toContain('not because your browser came back');
      expect((await shop.app.request('/orders')).status).toBe(200);
    } finally {
      shop.close();
    }
  });

  it('refuses an unknown dress or a silly quantity with a 400, never a 500', async () => {
    const shop = testShop();
    try {
      const bodies: Record<string, string>[] = [
        { product_id: 'prd_nope' },
        { product_id: 'prd_silk_slip', quantity: '-3' },
        { product_id: 'prd_silk_slip', quantity: 'abc' },
      ];
      for (const body of bodies) {
        expect(
          (await shop.app.request('/cart/items', { method: 'POST', body: new URLSearchParams(body) })).status,
        ).toBe(400);
      }
      const huge = await shop.app.request('/cart/items', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `a=${'x'.repeat(40_000)}`,
      });
      expect(huge.status).toBe(413);
    } finally {
      shop.close();
    }
  });
});
