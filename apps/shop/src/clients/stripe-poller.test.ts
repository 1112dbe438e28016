import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createOrder, json, listen, ORDER_BODY, testShop } from '../test-support.ts';

describe('polling mode (S02)', () => {
  let retrieves = 0;
  let fake: Awaited<ReturnType<typeof listen>>;
  const chargeCreated = Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    // A tiny PaymentIntent server: processing for the first three polls, succeeded from the fourth.
    fake = await listen((req, _body, res) => {
      if (req.method === 'POST' && req.url === '/v1/payment_intents') {
        return json(res, 200, {
          id: 'pi_poll',
          object: 'payment_intent',
          status: 'requires_payment_method',
          client_secret: 'pi_poll_secret_x',
          amount: 12900,
          currency: 'eur',
        });
      }
      if (req.method === 'GET' && req.url?.startsWith('/v1/payment_intents/pi_poll')) {
        retrieves += 1;
        const done = retrieves > 3;
        return json(res, 200, {
          id: 'pi_poll',
          object: 'payment_intent',
          status: retrieves === 1 ? 'requires_payment_method' : done ? 'succeeded' : 'processing',
          last_payment_error: null,
          latest_charge: done ? { id: 'ch_1', object: 'charge', created: chargeCreated } : null,
        });
      }
      json(res, 404, { error: { type: 'invalid_request_error', message: 'no such route' } });
    });
  });
  afterAll(() => fake.close());

  it('polls the PaymentIntent until it succeeds, counting requests and the ones that told nothing new', async () => {
    const shop = testShop({ paymentsUrl: fake.url, env: { SHOP_POLL_INTERVAL_MS: '10' } });
    try {
      const order = await createOrder(shop.app, { ...ORDER_BODY, confirmation: 'polling' });
      // The order bus publishes each committed change: the move to paid is the witness we wait for.
      const paid = new Promise<void>((resolve) => {
        const stop = shop.ctx.bus.subscribe(order.id, (change) => {
          if (change.order.status !== 'paid') return;
          stop();
          resolve();
        });
      });
      const res = await shop.app.request(`/api/orders/${order.id}/payment_intent`, {
        method: 'POST',
        headers: { cookie: order.cookie },
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({
        payment_intent_id: 'pi_poll',
        status: 'requires_payment_method',
      });
      await paid;
      expect(shop.ctx.orders.get(order.id)?.status).toBe('paid');
      const metrics = (await (
        await shop.app.request(`/api/metrics/confirmation?order_ids=${order.id}`, { headers: ADMIN })
      ).json()) as {
        polling: Record<string, unknown>;
        orders: { delay_ms: { min: number; max: number; estimate: number } }[];
      };
      // Polls: requires_payment_method (nothing new), processing (new), processing (nothing new), succeeded (new).
      expect(metrics.polling).toMatchObject({
        orders: 1,
        orders_known: 1,
        requests_made: 4,
        requests_nothing_new: 2,
        deliveries_received: 0,
      });
      expect(metrics.orders[0]).toMatchObject({
        mode: 'polling',
        change_source: 'poll window (ms)',
        final_status: 'paid',
      });
      const delay = metrics.orders[0]!.delay_ms;
      expect(delay.max).toBeGreaterThan(delay.min);
      expect(delay.estimate).toBeGreaterThanOrEqual(delay.min);
      expect(retrieves).toBe(4);
      expect(shop.ctx.poller.isPolling(order.id)).toBe(false);
    } finally {
      await shop.ctx.poller.stopAll();
      shop.close();
    }
  });
});
