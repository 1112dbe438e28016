import { systemClock } from '@hooklab/webhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  createOrder,
  fakePayments,
  ORDER_BODY,
  piObject,
  stripeDelivery,
  stripeEvent,
  testShop,
} from '../test-support.ts';

const GOWN = { ...ORDER_BODY, items: [{ sku: 'OOS-TULLE', quantity: 1 }] };

describe('stock: held at checkout, sold when paid, released when the checkout ends', () => {
  let fake: Awaited<ReturnType<typeof fakePayments>>;
  let shop: ReturnType<typeof testShop>;
  beforeAll(async () => {
    fake = await fakePayments();
  });
  afterAll(() => fake.close());
  afterEach(() => shop?.close());

  const checkout = (order: { id: string; cookie: string }) =>
    shop.app.request(`/api/orders/${order.id}/checkout`, {
      method: 'POST',
      headers: { cookie: order.cookie },
    });
  const gownStock = async () => {
    const { data } = (await (await shop.app.request('/api/products')).json()) as {
      data: { sku: string | null; available: number | null; availability: string }[];
    };
    return data.find((p) => p.sku === 'OOS-TULLE')!;
  };

  it('sells the one-of-a-kind gown once: the second checkout gets a clear 409 and payments is never asked', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const first = await createOrder(shop.app, GOWN);
    const second = await createOrder(shop.app, GOWN);
    expect((await checkout(first)).status).toBe(201);
    expect(await gownStock()).toMatchObject({ available: 0, availability: 'sold_out' });

    const sessionsBefore = fake.made('POST', '/v1/checkout/sessions').length;
    const refused = await checkout(second);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({
      code: 'out_of_stock',
      title: 'Archive tulle gown is sold out',
      product_id: 'prd_archive_tulle',
      available: 0,
    });
    expect(fake.made('POST', '/v1/checkout/sessions')).toHaveLength(sessionsBefore);

    // A new order for it is refused at once, and the storefront says so.
    const third = await shop.app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(GOWN),
    });
    expect(third.status).toBe(409);
    const page = await (await shop.app.request('/dresses/archive-tulle-gown')).text();
    expect(page).toContain('Sold out');
    expect(page).not.toContain('data-testid="add-to-bag"');
    const add = await shop.app.request('/cart/items', {
      method: 'POST',
      body: new URLSearchParams({ product_id: 'prd_archive_tulle', quantity: '1' }),
    });
    expect(add.status).toBe(409);
  });

  it('the bag’s checkout says so on the bag page (409, HTML) when the dress went meanwhile, and keeps the bag', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const add = await shop.app.request('/cart/items', {
      method: 'POST',
      body: new URLSearchParams({ product_id: 'prd_archive_tulle', quantity: '1' }),
    });
    const cookie = add.headers.get('set-cookie')!.split(';')[0]!;
    const rival = await createOrder(shop.app, GOWN);
    expect((await checkout(rival)).status).toBe(201);
    const res = await shop.app.request('/checkout', {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({
        name: 'Ada',
        email: 'ada@example.com',
        line1: '1 Rue',
        city: 'Paris',
        postal_code: '75001',
        country: 'FR',
      }),
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Archive tulle gown is sold out');
    expect(html).toContain('data-testid="cart-total"');
  });

  it('shows "only N left" while few remain', async () => {
    shop = testShop();
    expect(await (await shop.app.request('/')).text()).toContain('Only 1 left');
    expect(await (await shop.app.request('/dresses/knit-column-dress')).text()).toContain('Only 3 left');
  });

  it.each([
    [
      '20 lines of 20',
      Array.from({ length: 20 }, () => ({ sku: 'DR-001', quantity: 20 })),
      'validation_failed',
    ],
    [
      '20 lines of 5 (100 in all)',
      Array.from({ length: 20 }, () => ({ sku: 'DR-001', quantity: 5 })),
      'quantity_limit_exceeded',
    ],
    [
      'the same dress by sku and by id',
      [
        { sku: 'DR-001', quantity: 3 },
        { product_id: 'prd_linen_wrap', quantity: 3 },
      ],
      'quantity_limit_exceeded',
    ],
  ])('refuses %s of one dress (at most 5 per order)', async (_what, items, code) => {
    shop = testShop();
    const res = await shop.app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ORDER_BODY, items }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code });
  });

  it('refuses more than is left (409), counting what others hold', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const knit = { ...ORDER_BODY, items: [{ sku: 'DR-005', quantity: 2 }] };
    const first = await createOrder(shop.app, knit);
    expect((await checkout(first)).status).toBe(201);
    const res = await shop.app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(knit),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      code: 'out_of_stock',
      title: 'Only 1 × Merino knit column dress left',
    });
  });

  it('gives the dress back when payments says the checkout expired (webhook); an older session’s expiry frees nothing', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const first = await createOrder(shop.app, GOWN);
    const second = await createOrder(shop.app, GOWN);
    const { session_id } = (await (await checkout(first)).json()) as { session_id: string };
    expect((await gownStock()).available).toBe(0);

    const stale = { ...fake.sessions.get(session_id)!, id: 'cs_test_an_older_one', status: 'expired' };
    const staleAnswer = await shop.app.request(
      '/webhooks/stripe',
      stripeDelivery(stripeEvent('checkout.session.expired', stale)),
    );
    expect(await staleAnswer.json()).toMatchObject({ action: 'stale' });
    expect((await gownStock()).available).toBe(0);

    const expired = { ...fake.sessions.get(session_id)!, status: 'expired', url: null };
    const answer = await shop.app.request(
      '/webhooks/stripe',
      stripeDelivery(stripeEvent('checkout.session.expired', expired)),
    );
    expect(await answer.json()).toMatchObject({ action: 'stock_released' });
    expect((await gownStock()).available).toBe(1);
    expect((await checkout(second)).status).toBe(201);
  });

  it('frees holds whose checkout has ended even without the webhook (polling orders, lost events), never a paid one', async () => {
    let clock = Date.now();
    shop = testShop({ paymentsUrl: fake.url, deps: { clock: { ...systemClock, now: () => clock } } });
    const abandoned = await createOrder(shop.app, GOWN);
    const knit = await createOrder(shop.app, { ...ORDER_BODY, items: [{ sku: 'DR-005', quantity: 1 }] });
    const { session_id } = (await (await checkout(abandoned)).json()) as { session_id: string };
    await checkout(knit);
    const expiresAt = fake.sessions.get(session_id)!.expires_at as number;
    // The Checkout Session expires with the hold: 30 minutes (and a minute of slack) from now.
    expect(expiresAt * 1000 - clock).toBeGreaterThanOrEqual(30 * 60_000);
    await shop.app.request(
      '/webhooks/stripe',
      stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_knit', knit.id))),
    );

    expect(shop.ctx.releaseLapsedHolds()).toBe(0);
    clock = expiresAt * 1000;
    expect(shop.ctx.releaseLapsedHolds()).toBe(1);
    expect((await gownStock()).available).toBe(1);
    const products = (await (await shop.app.request('/api/products')).json()) as {
      data: { sku: string | null; available: number | null }[];
    };
    expect(products.data.find((p) => p.sku === 'DR-005')?.available).toBe(2);
    const history = (await (
      await shop.app.request(`/api/orders/${abandoned.id}/history`, { headers: ADMIN })
    ).json()) as { data: { type: string }[] };
    expect(history.data.map((h) => h.type)).toContain('stock.released');
  });
});
