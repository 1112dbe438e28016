import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STRIPE_EVENTS } from '../clients/stripe-endpoint.ts';
import {
  createOrder,
  fakePayments,
  logisticsCallback,
  ORDER_BODY,
  piObject,
  stripeDelivery,
  stripeEvent,
  testShop,
} from '../test-support.ts';

const GOWN = { ...ORDER_BODY, items: [{ sku: 'OOS-TULLE', quantity: 1 }] };

describe('an order that cannot ship is refunded', () => {
  let fake: Awaited<ReturnType<typeof fakePayments>>;
  let shop: ReturnType<typeof testShop>;
  beforeAll(async () => {
    fake = await fakePayments();
  });
  afterAll(() => fake.close());
  afterEach(() => {
    shop?.close();
    fake.refundFailures = 0;
    fake.refundRefusal = undefined;
  });

  /** A gown order paid by webhook, then failed by logistics (out of stock). */
  async function unshippable(pi: string) {
    const order = await createOrder(shop.app, GOWN);
    await shop.app.request(`/api/orders/${order.id}/checkout`, {
      method: 'POST',
      headers: { cookie: order.cookie },
    });
    await shop.app.request(
      '/webhooks/stripe',
      stripeDelivery(
        stripeEvent('payment_intent.succeeded', piObject(pi, order.id, 'succeeded', { amount: 34000 })),
      ),
    );
    const failed = logisticsCallback('shipment.failed', {
      shipment_id: `shp_${pi}`,
      order_id: order.id,
      reason: 'out_of_stock',
    });
    expect((await shop.app.request('/webhooks/logistics', failed)).status).toBe(200);
    return order;
  }
  const refundsFor = (pi: string) =>
    fake.made('POST', '/v1/refunds').filter((r) => r.form.get('payment_intent') === pi);
  const view = async (order: { id: string; cookie: string }) =>
    (await (
      await shop.app.request(`/api/orders/${order.id}`, { headers: { cookie: order.cookie } })
    ).json()) as {
      status: string;
      refund: { status: string; id: string | null; amount_refunded: number } | null;
      refunded_at: string | null;
    };
  const page = async (order: { id: string; cookie: string }) =>
    (await shop.app.request(`/orders/${order.id}`, { headers: { cookie: order.cookie } })).text();

  it('refunds through the SDK with a per-order key, once; charge.refunded makes it refunded and the customer sees it', async () => {
    expect(STRIPE_EVENTS).toContain('charge.refunded');
    shop = testShop({ paymentsUrl: fake.url });
    const order = await unshippable('pi_gown_1');
    // logistics retries the callback under a new id: still one refund.
    await shop.app.request(
      '/webhooks/logistics',
      logisticsCallback('shipment.failed', {
        shipment_id: 'shp_x',
        order_id: order.id,
        reason: 'out_of_stock',
      }),
    );
    await vi.waitFor(async () => expect((await view(order)).refund?.status).toBe('requested'));
    const [refund, ...more] = refundsFor('pi_gown_1');
    expect(more).toHaveLength(0);
    expect(refund!.key).toBe(`atelier-refund-${order.id}`);
    expect(refund!.form.get('metadata[order_id]')).toBe(order.id);
    expect(refund!.userAgent).toMatch(/^Stripe\/v1 NodeBindings/);
    expect(await page(order)).toContain('We are refunding €340.00 to your card');

    const charge = {
      id: 'ch_gown_1',
      object: 'charge',
      amount: 34000,
      amount_refunded: 34000,
      refunded: true,
      payment_intent: 'pi_gown_1',
      metadata: { order_id: order.id },
    };
    const answer = await shop.app.request(
      '/webhooks/stripe',
      stripeDelivery(stripeEvent('charge.refunded', charge)),
    );
    expect(await answer.json()).toMatchObject({ action: 'moved_to_refunded' });
    const after = await view(order);
    expect(after).toMatchObject({
      status: 'refunded',
      refund: { status: 'refunded', amount_refunded: 34000 },
    });
    expect(after.refunded_at).not.toBeNull();
    const html = await page(order);
    expect(html).toContain('data-status="refunded"');
    expect(html).toContain('We refunded €340.00 to your card');
    // Never shipped: the gown is back for sale.
    const products = (await (await shop.app.request('/api/products')).json()) as {
      data: { sku: string | null; available: number | null }[];
    };
    expect(products.data.find((p) => p.sku === 'OOS-TULLE')?.available).toBe(1);
  });

  it('keeps trying while payments fails, always with the same key', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    fake.refundFailures = 2;
    const order = await unshippable('pi_gown_2');
    await vi.waitFor(async () => expect((await view(order)).refund?.status).toBe('requested'));
    const attempts = refundsFor('pi_gown_2');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.key))).toEqual(new Set([`atelier-refund-${order.id}`]));
  });

  it('records a refusal for the back office and tells the customer the truth', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    fake.refundRefusal = 'This charge cannot be refunded.';
    const order = await unshippable('pi_gown_3');
    await vi.waitFor(async () => expect((await view(order)).refund?.status).toBe('failed'));
    const html = await page(order);
    expect(html).toContain('the refund needs our team');
    expect(html).not.toContain('We are refunding');
  });

  it('polling orders learn the refund from its answer (they take no webhooks)', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const order = await createOrder(shop.app, { ...GOWN, confirmation: 'polling' });
    shop.ctx.orders.signal(order.id, 'payment_succeeded', {
      source: 'poll:pi_gown_4',
      patch: { paymentIntentId: 'pi_gown_4' },
    });
    await shop.app.request(
      '/webhooks/logistics',
      logisticsCallback('shipment.failed', {
        shipment_id: 'shp_4',
        order_id: order.id,
        reason: 'out_of_stock',
      }),
    );
    await vi.waitFor(async () => expect((await view(order)).status).toBe('refunded'));
    expect(refundsFor('pi_gown_4')).toHaveLength(1);
  });

  it('sends, after a restart, a refund that was recorded but not sent', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const order = await createOrder(shop.app, GOWN);
    shop.ctx.orders.signal(order.id, 'payment_succeeded', {
      source: 'test',
      patch: { paymentIntentId: 'pi_gown_5' },
    });
    shop.ctx.orders.inTransaction(() => {
      shop.ctx.orders.signal(order.id, 'shipment_failed', {
        source: 'test',
        patch: { failureReason: 'out_of_stock' },
      });
      shop.sqlite.prepare("update orders set refund_status = 'pending' where id = ?").run(order.id);
    });
    expect(refundsFor('pi_gown_5')).toHaveLength(0);
    shop.ctx.refunds.resume();
    await vi.waitFor(() => expect(refundsFor('pi_gown_5')).toHaveLength(1));
  });
});
