import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, createOrder, piObject, stripeDelivery, stripeEvent, testShop } from '../../test-support.ts';

describe('POST /webhooks/stripe', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  const deliver = (init: RequestInit) => shop.app.request('/webhooks/stripe', init);
  const status = async (id: string) =>
    ((await (await shop.app.request(`/api/orders/${id}`, { headers: ADMIN })).json()) as { status: string })
      .status;
  const outboxCount = () =>
    // Webhooks only: the customer's confirmation e-mail (mailto:) has its own tests.
    (
      shop.sqlite
        .prepare("select count(*) as n from shop_outbox_messages where url not like 'mailto:%'")
        .get() as { n: number }
    ).n;

  it('marks the order paid on a valid payment_intent.succeeded and enqueues order.created once', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const res = await deliver(
      stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_1', order.id))),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, duplicate: false, action: 'moved_to_paid' });
    expect(await status(order.id)).toBe('paid');
    expect(outboxCount()).toBe(1);
  });

  it('marks the order paid on checkout.session.completed (order found by metadata and client_reference_id)', async () => {
    shop = testShop();
    const a = await createOrder(shop.app);
    const b = await createOrder(shop.app);
    const session = (orderId: string, meta: boolean) => ({
      id: `cs_${orderId}`,
      object: 'checkout.session',
      payment_status: 'paid',
      status: 'complete',
      payment_intent: `pi_${orderId}`,
      client_reference_id: orderId,
      metadata: meta ? { order_id: orderId } : {},
    });
    expect(
      (await deliver(stripeDelivery(stripeEvent('checkout.session.completed', session(a.id, true))))).status,
    ).toBe(200);
    expect(
      (await deliver(stripeDelivery(stripeEvent('checkout.session.completed', session(b.id, false))))).status,
    ).toBe(200);
    expect(await status(a.id)).toBe('paid');
    expect(await status(b.id)).toBe('paid');
    const got = (await (await shop.app.request(`/api/orders/${a.id}`, { headers: ADMIN })).json()) as {
      payment: Record<string, string>;
    };
    expect(got.payment).toEqual({
      checkout_session_id: `cs_${a.id}`,
      payment_intent_id: `pi_${a.id}`,
      processing: false,
    });
  });

  it('handles a replayed event once', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const event = stripeEvent('payment_intent.succeeded', piObject('pi_2', order.id));
    const first = await deliver(stripeDelivery(event));
    const again = await deliver(stripeDelivery(event));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(outboxCount()).toBe(1);
    const events = shop.ctx.orders.events(order.id).filter((e) => e.type === 'order.paid');
    expect(events).toHaveLength(1);
  });

  it('refuses a tampered body, a stale timestamp, a wrong secret and a missing header', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const event = stripeEvent('payment_intent.succeeded', piObject('pi_3', order.id));
    const tampered = stripeDelivery(event);
    tampered.body = tampered.body.replace('12900', '1');
    const stale = stripeDelivery(event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const wrong = stripeDelivery(event, { secret: 'whsec_someone_else' });
    for (const init of [tampered, stale, wrong]) {
      const res = await deliver(init);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const missing = await deliver({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(missing.status).toBe(400);
    expect(await status(order.id)).toBe('pending_payment');
    // None of the refused deliveries used up the event id: the genuine one still counts.
    expect((await deliver(stripeDelivery(event))).status).toBe(200);
    expect(await status(order.id)).toBe('paid');
  });

  it('refuses a genuinely signed event stamped an hour in the future, and allows a little clock skew', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const event = stripeEvent('payment_intent.succeeded', piObject('pi_future', order.id));
    const now = Math.floor(Date.now() / 1000);
    const future = await deliver(stripeDelivery(event, { timestamp: now + 3600 }));
    expect(future.status).toBe(400);
    expect(future.headers.get('content-type')).toContain('application/problem+json');
    expect(await future.json()).toMatchObject({
      code: 'signature_invalid',
      title: 'Timestamp outside the tolerance zone',
    });
    expect(await status(order.id)).toBe('pending_payment');
    // A sender whose clock runs a minute ahead is within the same 300 s tolerance, as in the past direction.
    expect((await deliver(stripeDelivery(event, { timestamp: now + 60 }))).status).toBe(200);
    expect(await status(order.id)).toBe('paid');
  });

  it('fails an order on payment_failed, accepts the good card after, and ignores a late failure once paid', async () => {
    shop = testShop();
    const order = await createOrder(shop.app);
    const declined = piObject('pi_4', order.id, 'requires_payment_method', {
      last_payment_error: {
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      },
    });
    await deliver(stripeDelivery(stripeEvent('payment_intent.payment_failed', declined)));
    const failed = (await (await shop.app.request(`/api/orders/${order.id}`, { headers: ADMIN })).json()) as {
      status: string;
      failure_reason: string;
    };
    expect(failed.status).toBe('payment_failed');
    expect(failed.failure_reason).toContain('generic_decline');
    await deliver(stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_4', order.id))));
    expect(await status(order.id)).toBe('paid');
    const late = await deliver(stripeDelivery(stripeEvent('payment_intent.payment_failed', declined)));
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ action: 'ignored' });
    const after = (await (await shop.app.request(`/api/orders/${order.id}`, { headers: ADMIN })).json()) as {
      status: string;
      failure_reason: string | null;
    };
    expect(after).toMatchObject({ status: 'paid', failure_reason: null });
  });

  it('acknowledges events for unknown orders and unrelated types without effect', async () => {
    shop = testShop();
    const unknown = await deliver(
      stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_x', 'ord_nope'))),
    );
    expect(await unknown.json()).toMatchObject({ action: 'unknown_order' });
    const other = await deliver(
      stripeDelivery(stripeEvent('customer.created', { id: 'cus_1', object: 'customer' })),
    );
    expect(other.status).toBe(200);
  });

  it('answers 503 while no endpoint secret is known (payments will retry), and 413 for a huge body', async () => {
    shop = testShop({ deps: { stripeWebhookSecrets: () => [] } });
    const res = await deliver(
      stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_5', 'ord_x'))),
    );
    expect(res.status).toBe(503);
    const huge = await deliver({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      body: 'x'.repeat(600_000),
    });
    expect(huge.status).toBe(413);
  });
});
