import { createTracedFetch, ExchangeRecorder } from '@hooklab/service';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../clients/stripe.ts';
import { ADMIN, createOrder, json, listen, ORDER_BODY, testShop } from '../test-support.ts';

const post = (body: string, type = 'application/json') => ({
  method: 'POST',
  headers: { 'content-type': type },
  body,
});

describe('orders JSON API', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('creates, reads and lists orders with amounts from the catalogue', async () => {
    shop = testShop();
    const res = await shop.app.request(
      '/api/orders',
      post(
        JSON.stringify({
          ...ORDER_BODY,
          items: [
            { sku: 'DR-001', quantity: 2 },
            { product_id: 'prd_silk_slip', quantity: 1 },
          ],
        }),
      ),
    );
    expect(res.status).toBe(201);
    const order = (await res.json()) as {
      id: string;
      amount_total: number;
      status: string;
      items: unknown[];
    };
    expect(order).toMatchObject({ status: 'pending_payment', amount_total: 2 * 12900 + 18900 });
    expect(res.headers.get('location')).toBe(`/api/orders/${order.id}`);
    expect((await shop.app.request(`/api/orders/${order.id}`, { headers: ADMIN })).status).toBe(200);
    await createOrder(shop.app);
    const list = (await (await shop.app.request('/api/orders?limit=1', { headers: ADMIN })).json()) as {
      data: { id: string }[];
      has_more: boolean;
    };
    expect(list.data).toHaveLength(1);
    expect(list.has_more).toBe(true);
  });

  it.each([
    ['malformed JSON', '{"items": [', 400, 'malformed_body'],
    ['an empty body', '', 400, 'malformed_body'],
    ['a JSON string', '"hello"', 400, 'validation_failed'],
    ['items of the wrong type', JSON.stringify({ ...ORDER_BODY, items: 'DR-001' }), 400, 'validation_failed'],
    [
      'a quantity as a string',
      JSON.stringify({ ...ORDER_BODY, items: [{ sku: 'DR-001', quantity: '2' }] }),
      400,
      'validation_failed',
    ],
    [
      'a negative quantity',
      JSON.stringify({ ...ORDER_BODY, items: [{ sku: 'DR-001', quantity: -1 }] }),
      400,
      'validation_failed',
    ],
    [
      'both sku and product_id',
      JSON.stringify({ ...ORDER_BODY, items: [{ sku: 'DR-001', product_id: 'prd_silk_slip', quantity: 1 }] }),
      400,
      'validation_failed',
    ],
    ['no items', JSON.stringify({ ...ORDER_BODY, items: [] }), 400, 'validation_failed'],
    [
      'a bad e-mail',
      JSON.stringify({ ...ORDER_BODY, customer: { name: 'A', email: 'not-an-email' } }),
      400,
      'validation_failed',
    ],
    [
      'an unknown SKU',
      JSON.stringify({ ...ORDER_BODY, items: [{ sku: 'NOPE-1', quantity: 1 }] }),
      422,
      'unknown_product',
    ],
    [
      'an unknown product id',
      JSON.stringify({ ...ORDER_BODY, items: [{ product_id: 'prd_nope', quantity: 1 }] }),
      422,
      'unknown_product',
    ],
  ])('refuses %s with a problem+json %i', async (_what, body, statusCode, code) => {
    shop = testShop();
    const res = await shop.app.request('/api/orders', post(body));
    expect(res.status).toBe(statusCode);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: statusCode, code });
  });

  it.each([
    ['XX', 'two capital letters, but no country'],
    ['UK', 'the common name, not the ISO code (GB)'],
    ['fr', 'lower case'],
    ['FRA', 'alpha-3'],
  ])('refuses ship_to.country %s (%s): logistics would refuse it after payment', async (country) => {
    shop = testShop();
    const res = await shop.app.request(
      '/api/orders',
      post(JSON.stringify({ ...ORDER_BODY, ship_to: { ...ORDER_BODY.ship_to, country } })),
    );
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; issues?: { path: string; message: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(JSON.stringify(problem)).toContain('ship_to.country');
    expect(JSON.stringify(problem)).toContain('ISO 3166-1');
  });

  it('accepts any assigned ISO 3166-1 code', async () => {
    shop = testShop();
    for (const country of ['GB', 'DE', 'US', 'JP', 'BR']) {
      const order = await createOrder(shop.app, {
        ...ORDER_BODY,
        ship_to: { ...ORDER_BODY.ship_to, country },
      });
      expect(order).toMatchObject({ ship_to: { country } });
    }
  });

  it('refuses another content type (415) and a huge body (413)', async () => {
    shop = testShop();
    expect(
      (await shop.app.request('/api/orders', post(JSON.stringify(ORDER_BODY), 'text/plain'))).status,
    ).toBe(415);
    const huge = await shop.app.request(
      '/api/orders',
      post(JSON.stringify({ ...ORDER_BODY, pad: 'x'.repeat(200_000) })),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers 404 for an unknown order and 400 for a bad list query', async () => {
    shop = testShop();
    expect((await shop.app.request('/api/orders/ord_nope', { headers: ADMIN })).status).toBe(404);
    expect((await shop.app.request('/api/orders?limit=abc', { headers: ADMIN })).status).toBe(400);
    expect((await shop.app.request('/api/orders?status=weird', { headers: ADMIN })).status).toBe(400);
  });
});

describe('checkout through the official stripe SDK (v23) with the traced fetch', () => {
  const seen: {
    method: string;
    url: string;
    body: string;
    headers: Record<string, string | string[] | undefined>;
  }[] = [];
  let fake: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    fake = await listen((req, body, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        return json(res, 200, {
          id: 'cs_test_123',
          object: 'checkout.session',
          url: `${fake.url}/pay/cs_test_123`,
          status: 'open',
          payment_intent: null,
        });
      }
      if (req.url === '/v1/checkout/sessions/cs_test_123') {
        return json(res, 200, {
          id: 'cs_test_123',
          object: 'checkout.session',
          url: `${fake.url}/pay/cs_test_123`,
          status: 'open',
        });
      }
      json(res, 404, { error: { type: 'invalid_request_error', message: 'no' } });
    });
  });
  afterAll(() => fake.close());

  it('creates a Checkout Session (form-encoded, traceparent, recorded) and reuses the open one', async () => {
    const recorder = new ExchangeRecorder('shop');
    const stripe = createStripeClient({
      secretKey: 'sk_test_hooklab',
      paymentsUrl: fake.url,
      fetch: createTracedFetch({ from: 'shop', recorder }),
    });
    const shop = testShop({ paymentsUrl: fake.url, deps: { stripe } });
    try {
      const order = await createOrder(shop.app);
      const res = await shop.app.request(`/api/orders/${order.id}/checkout`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({
        checkout_url: `${fake.url}/pay/cs_test_123`,
        session_id: 'cs_test_123',
      });
      const create = seen.find((r) => r.url === '/v1/checkout/sessions')!;
      const form = new URLSearchParams(create.body);
      expect(form.get('mode')).toBe('payment');
      expect(form.get('line_items[0][price_data][unit_amount]')).toBe('12900');
      expect(form.get('metadata[order_id]')).toBe(order.id);
      expect(form.get('client_reference_id')).toBe(order.id);
      expect(form.get('success_url')).toBe(
        `http://shop.test/orders/${order.id}?session_id={CHECKOUT_SESSION_ID}`,
      );
      expect(create.headers.authorization).toBe('Bearer sk_test_hooklab');
      expect(create.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(create.headers['idempotency-key']).toBeTruthy();
      expect(
        recorder
          .list()
          .some((e) => e.direction === 'out' && e.url.endsWith('/v1/checkout/sessions') && e.status === 200),
      ).toBe(true);
      // A second click reuses the open session instead of making another.
      const again = await shop.app.request(`/api/orders/${order.id}/checkout`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(await again.json()).toMatchObject({ session_id: 'cs_test_123' });
      expect(seen.filter((r) => r.url === '/v1/checkout/sessions')).toHaveLength(1);
    } finally {
      shop.close();
    }
  });

  it('answers 503 problem+json when payments is unreachable, and 409 for a paid order', async () => {
    const shop = testShop();
    try {
      const order = await createOrder(shop.app);
      const res = await shop.app.request(`/api/orders/${order.id}/checkout`, {
        method: 'POST',
        headers: ADMIN,
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'payments_unavailable' });
      shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });
      expect(
        (await shop.app.request(`/api/orders/${order.id}/checkout`, { method: 'POST', headers: ADMIN }))
          .status,
      ).toBe(409);
    } finally {
      shop.close();
    }
  });
});
