import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createOrder,
  json,
  listen,
  logisticsCallback,
  ORDER_BODY,
  piObject,
  sseReader,
  stripeDelivery,
  stripeEvent,
  testShop,
} from '../test-support.ts';

const liveRegion = (html: string) => {
  const m = /<section id="order-live"[^>]*>([\s\S]*?)<\/section>/.exec(html);
  if (!m) throw new Error('no live region on the page');
  return m[1]!;
};

describe('the order page', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  describe('a bank debit in flight, polling mode', () => {
    let fake: Awaited<ReturnType<typeof listen>>;
    beforeAll(async () => {
      // A PaymentIntent confirmed with a bank debit: it stays processing.
      fake = await listen((req, _body, res) => {
        if (req.method === 'POST' && req.url === '/v1/payment_intents')
          return json(res, 200, {
            id: 'pi_debit',
            object: 'payment_intent',
            status: 'requires_payment_method',
          });
        if (req.method === 'GET' && req.url?.startsWith('/v1/payment_intents/pi_debit'))
          return json(res, 200, { id: 'pi_debit', object: 'payment_intent', status: 'processing' });
        json(res, 404, { error: { type: 'invalid_request_error', message: 'no' } });
      });
    });
    afterAll(() => fake.close());

    it('offers no "Pay now", explains the wait, and speaks of polling (not webhooks)', async () => {
      shop = testShop({ paymentsUrl: fake.url, env: { SHOP_POLL_INTERVAL_MS: '10' } });
      const order = await createOrder(shop.app, { ...ORDER_BODY, confirmation: 'polling' });
      const cookie = { cookie: order.cookie };
      await shop.app.request(`/api/orders/${order.id}/payment_intent`, { method: 'POST', headers: cookie });
      await vi.waitFor(() => expect(shop.ctx.orders.get(order.id)?.payment.processing).toBe(true));
      await shop.ctx.poller.stopAll();

      const html = await (
        await shop.app.request(`/orders/${order.id}?session_id=cs_test_back`, { headers: cookie })
      ).text();
      expect(html).toContain('Payment processing');
      expect(html).toContain('A bank debit takes a few days to clear');
      expect(html).not.toContain('Pay now');
      expect(html).not.toContain('id="pay-form"');
      const notice = /<div class="notice" id="returned">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
      expect(notice).toContain('polling');
      expect(notice).not.toContain('webhook');
      // Paying twice is refused on the API as well.
      const again = await shop.app.request(`/api/orders/${order.id}/checkout`, {
        method: 'POST',
        headers: cookie,
      });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'payment_in_progress' });
    });
  });

  it('never shows customers raw reason codes', async () => {
    shop = testShop();
    const declined = await createOrder(shop.app);
    await shop.app.request(
      '/webhooks/stripe',
      stripeDelivery(
        stripeEvent(
          'payment_intent.payment_failed',
          piObject('pi_declined', declined.id, 'requires_payment_method', {
            last_payment_error: {
              code: 'card_declined',
              decline_code: 'insufficient_funds',
              message: 'Your card has insufficient funds.',
            },
          }),
        ),
      ),
    );
    const declinedPage = await (
      await shop.app.request(`/orders/${declined.id}`, { headers: { cookie: declined.cookie } })
    ).text();
    expect(declinedPage).toContain('The payment did not go through: the card has insufficient funds.');
    expect(declinedPage).not.toContain('insufficient_funds');

    const gown = await createOrder(shop.app, { ...ORDER_BODY, items: [{ sku: 'OOS-TULLE', quantity: 1 }] });
    shop.ctx.orders.signal(gown.id, 'payment_succeeded', { source: 'test' });
    await shop.app.request(
      '/webhooks/logistics',
      logisticsCallback('shipment.failed', {
        shipment_id: 'shp_1',
        order_id: gown.id,
        reason: 'out_of_stock',
      }),
    );
    const gownPage = await (
      await shop.app.request(`/orders/${gown.id}`, { headers: { cookie: gown.cookie } })
    ).text();
    expect(gownPage).toContain('We could not ship this order: the dress is out of stock at our warehouse.');
    expect(gownPage).not.toContain('out_of_stock');
  });

  it('renders the live region and the reloaded page identically, after every change', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const cookie = { cookie: order.cookie };
    const stream = sseReader(
      await shop.app.request(`/orders/${order.id}/live?returned=1`, { headers: cookie }),
    );
    const reload = async () =>
      liveRegion(
        await (await shop.app.request(`/orders/${order.id}?session_id=cs_back`, { headers: cookie })).text(),
      );
    /** The live message for the order's latest event (a step may publish several). */
    const live = async () => {
      const latest = String(shop.ctx.orders.events(order.id).at(-1)!.id);
      for (;;) {
        const msg = await stream.next();
        if (msg.id === latest) return (JSON.parse(msg.data) as { html: string }).html;
      }
    };
    try {
      expect(await live()).toBe(await reload());
      const steps: [string, () => unknown][] = [
        [
          'paid',
          () =>
            shop.app.request(
              '/webhooks/stripe',
              stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_live', order.id))),
            ),
        ],
        [
          'a late decline (ignored)',
          () =>
            shop.app.request(
              '/webhooks/stripe',
              stripeDelivery(
                stripeEvent(
                  'payment_intent.payment_failed',
                  piObject('pi_live', order.id, 'requires_payment_method'),
                ),
              ),
            ),
        ],
        [
          'shipped',
          () =>
            shop.app.request(
              '/webhooks/logistics',
              logisticsCallback('shipment.fulfilled', {
                shipment_id: 'shp_live',
                order_id: order.id,
                carrier: 'colissimo',
                tracking_number: '6A1234',
                status: 'shipped',
              }),
            ),
        ],
        [
          'in transit',
          () =>
            shop.app.request(
              '/webhooks/logistics',
              logisticsCallback('tracking.updated', {
                shipment_id: 'shp_live',
                order_id: order.id,
                status: 'in_transit',
                location: 'Lyon hub',
              }),
            ),
        ],
        [
          'delivered',
          () =>
            shop.app.request(
              '/webhooks/logistics',
              logisticsCallback('shipment.delivered', { shipment_id: 'shp_live', order_id: order.id }),
            ),
        ],
      ];
      for (const [what, step] of steps) {
        await step();
        expect(await live(), what).toBe(await reload());
      }
      const final = await reload();
      expect(final).toContain('data-status="delivered"');
      expect(final).toContain('Shipped with Colissimo');
      expect(final).toContain('Parcel in transit · Lyon hub');
      expect(final).not.toContain('in_transit');
    } finally {
      await stream.cancel();
    }
  });
});
