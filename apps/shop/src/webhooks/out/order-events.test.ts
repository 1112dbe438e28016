import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, createOrder, testShop } from '../../test-support.ts';

describe('order events to registered endpoints', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  async function register(events: string[], url = 'http://127.0.0.1:3005/webhooks/shop') {
    const res = await shop.app.request('/v1/webhook_endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN },
      body: JSON.stringify({ url, enabled_events: events }),
    });
    return (await res.json()) as { id: string; secret: string };
  }

  const messagesOf = (endpointId: string) =>
    shop.outbox.listMessages({ endpointId: `endpoint:${endpointId}`, limit: 100 });

  it('enqueues one signed message per subscribed endpoint, in the transaction that moves the order', async () => {
    shop = testShop();
    const all = await register(['*']);
    const refundsOnly = await register(['order.refunded'], 'http://127.0.0.1:3999/hooks');
    const order = (await createOrder(shop.app)) as Awaited<ReturnType<typeof createOrder>> & {
      amount_total: number;
    };
    shop.ctx.orders.signal(order.id, 'payment_succeeded', {
      source: 'test',
      patch: { paymentIntentId: 'pi_1' },
    });
    shop.ctx.orders.signal(order.id, 'shipment_fulfilled', {
      source: 'test',
      patch: { carrier: 'colissimo', trackingNumber: 'CP1' },
    });
    // An ignored signal (backwards) moves nothing and sends nothing.
    shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });

    const sent = await messagesOf(all.id);
    expect(sent.map((m) => m.eventType).sort()).toEqual(['order.fulfilled', 'order.paid']);
    const paid = sent.find((m) => m.eventType === 'order.paid')!;
    expect(paid).toMatchObject({
      eventId: `order.paid.${order.id}`,
      url: 'http://127.0.0.1:3005/webhooks/shop',
    });
    expect(JSON.parse(paid.body)).toMatchObject({
      type: 'order.paid',
      data: {
        order_id: order.id,
        status: 'paid',
        amount_total: order.amount_total,
        payment_intent_id: 'pi_1',
      },
    });
    expect(JSON.parse(paid.body).data).not.toHaveProperty('customer_email');
    expect(await messagesOf(refundsOnly.id)).toEqual([]);

    shop.ctx.orders.signal(order.id, 'refunded', {
      source: 'test',
      patch: { amountRefundedCents: order.amount_total },
    });
    expect((await messagesOf(refundsOnly.id)).map((m) => m.eventType)).toEqual(['order.refunded']);
  });

  it('sends nothing for an order change when no endpoint is registered', async () => {
    shop = testShop();
    const order = (await createOrder(shop.app)) as Awaited<ReturnType<typeof createOrder>> & {
      amount_total: number;
    };
    shop.ctx.orders.signal(order.id, 'payment_succeeded', { source: 'test' });
    const everything = await shop.outbox.listMessages({ limit: 100 });
    // The customer's own e-mail (mailto:) is not a registered endpoint's event.
    const webhooks = everything.filter((m) => !m.url.startsWith('mailto:'));
    expect(webhooks.map((m) => m.eventType)).toEqual(['order.created']);
  });
});
