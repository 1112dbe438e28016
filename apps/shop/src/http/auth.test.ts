import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, createOrder, ORDER_BODY, testShop } from '../test-support.ts';

const BOB = {
  ...ORDER_BODY,
  customer: { name: 'Bob Stranger', email: 'bob@example.com' },
  ship_to: { ...ORDER_BODY.ship_to, name: 'Bob Stranger', line1: '9 Secret Lane' },
};

async function bodyOf(res: Response): Promise<string> {
  if (res.headers.get('content-type')?.includes('event-stream')) {
    await res.body?.cancel();
    return '';
  }
  return res.text();
}

describe('who may see an order', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('GET /api/orders: 401 for a stranger, its own orders for a customer session, all with the admin key', async () => {
    shop = testShop();
    const ada = await createOrder(shop.app);
    const bob = await createOrder(shop.app, BOB);
    expect(ada.cookie).toMatch(/^atelier_cart=cart_/);
    expect(bob.cookie).not.toBe(ada.cookie);

    const stranger = await shop.app.request('/api/orders');
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('content-type')).toContain('application/problem+json');
    expect(await stranger.text()).not.toContain('Secret Lane');

    const mine = (await (
      await shop.app.request('/api/orders', { headers: { cookie: ada.cookie } })
    ).json()) as {
      data: { id: string }[];
    };
    expect(mine.data.map((o) => o.id)).toEqual([ada.id]);
    const all = (await (await shop.app.request('/api/orders', { headers: ADMIN })).json()) as {
      data: { id: string }[];
    };
    expect(all.data.map((o) => o.id).sort()).toEqual([ada.id, bob.id].sort());
    const wrong = await shop.app.request('/api/orders', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('an order id alone reveals nothing: every order route answers 404 to a stranger or another customer', async () => {
    shop = testShop();
    const ada = await createOrder(shop.app);
    const bob = await createOrder(shop.app, BOB);
    const routes: [string, string][] = [
      ['GET', `/api/orders/${bob.id}`],
      ['GET', `/api/orders/${bob.id}/history`],
      ['GET', `/api/orders/${bob.id}/events`],
      ['POST', `/api/orders/${bob.id}/checkout`],
      ['POST', `/api/orders/${bob.id}/payment_intent`],
      ['GET', `/orders/${bob.id}`],
      ['GET', `/orders/${bob.id}/live`],
      ['POST', `/orders/${bob.id}/pay`],
    ];
    for (const [method, path] of routes) {
      for (const headers of [{}, { cookie: ada.cookie }] as Record<string, string>[]) {
        const res = await shop.app.request(path, { method, headers });
        const text = await bodyOf(res);
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(404);
        expect(text).not.toContain('Secret Lane');
      }
    }
    for (const headers of [{ cookie: bob.cookie }, ADMIN] as Record<string, string>[]) {
      const res = await shop.app.request(`/api/orders/${bob.id}`, { headers });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Secret Lane');
    }
    const page = await shop.app.request(`/orders/${bob.id}`, { headers: { cookie: bob.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Secret Lane');
  });

  it('the storefront order list shows the session’s own orders only', async () => {
    shop = testShop();
    const ada = await createOrder(shop.app);
    const bob = await createOrder(shop.app, BOB);
    const mine = await (await shop.app.request('/orders', { headers: { cookie: ada.cookie } })).text();
    expect(mine).toContain(ada.id);
    expect(mine).not.toContain(bob.id);
    expect(mine).not.toContain('Bob Stranger');
    const nobody = await (await shop.app.request('/orders')).text();
    expect(nobody).not.toContain(ada.id);
    expect(nobody).not.toContain(bob.id);
  });

  it('has a dev admin key in dev mode only; SHOP_ADMIN_KEY replaces it', async () => {
    shop = testShop({ env: { HOOKLAB_DEV: '0' } });
    await createOrder(shop.app);
    expect((await shop.app.request('/api/orders', { headers: ADMIN })).status).toBe(401);
    shop.close();

    const key = 'bo_live_4f7a9c2e8b1d6f03';
    shop = testShop({ env: { HOOKLAB_DEV: '0', SHOP_ADMIN_KEY: key } });
    const order = await createOrder(shop.app);
    expect((await shop.app.request('/api/orders', { headers: ADMIN })).status).toBe(401);
    const res = await shop.app.request(`/api/orders/${order.id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
  });
});
