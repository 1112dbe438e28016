import { createManualClock } from '@hooklab/webhooks';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support.ts';

// A valid expiry and CVC for the hosted form (the server runs on the real clock here).
const CARD = `card_expiry=12%2F${(new Date().getUTCFullYear() + 2) % 100}&card_cvc=123`;

const post = (url: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });

describe('Checkout Sessions and the hosted page', () => {
  let s: TestServer;
  let stripe: Stripe;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
  });
  afterAll(() => s.close());

  const session = () =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'eur', unit_amount: 12900, product_data: { name: 'Linen wrap dress' } },
        },
        {
          quantity: 2,
          price_data: { currency: 'eur', unit_amount: 1500, product_data: { name: 'Silk scarf' } },
        },
      ],
      success_url: 'http://shop.test/orders/ord_1?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://shop.test/cart',
      client_reference_id: 'ord_1',
      customer_email: 'ada@example.com',
      metadata: { order_id: 'ord_1' },
    });

  it('creates an open session with its PaymentIntent and a hosted url', async () => {
    const cs = await session();
    expect(cs).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 15900,
      currency: 'eur',
      client_reference_id: 'ord_1',
      metadata: { order_id: 'ord_1' },
    });
    expect(cs.url).toBe(`${s.url}/pay/${cs.id}`);
    expect(cs.id).toMatch(/^cs_test_/);
    const pi = await stripe.paymentIntents.retrieve(cs.payment_intent as string);
    expect(pi).toMatchObject({ amount: 15900, status: 'requires_payment_method' });
    const withPi = await stripe.checkout.sessions.retrieve(cs.id, { expand: ['payment_intent'] });
    expect((withPi.payment_intent as Stripe.PaymentIntent).id).toBe(pi.id);
    const items = await stripe.checkout.sessions.listLineItems(cs.id);
    expect(items.data.map((i) => i.description)).toEqual(['Linen wrap dress', 'Silk scarf']);
    const page = await fetch(cs.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('4000000000000002'.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(html).toContain('Linen wrap dress');
  });

  it('declined card re-renders the form with 402, then the good card pays and redirects 303', async () => {
    const cs = await session();
    const declined = await post(cs.url!, `card_number=4000+0000+0000+0002&${CARD}`);
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');
    const insufficient = await post(cs.url!, `card_number=4000000000009995&${CARD}`);
    expect(await insufficient.text()).toContain('insufficient funds');
    expect((await post(cs.url!, `card_number=1234&${CARD}`)).status).toBe(402);
    expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe('open');

    const paid = await post(cs.url!, `card_number=4242424242424242&email=ada%40example.com&${CARD}`);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://shop.test/orders/ord_1?session_id=${cs.id}`);
    const done = await stripe.checkout.sessions.retrieve(cs.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect((await stripe.paymentIntents.retrieve(done.payment_intent as string)).status).toBe('succeeded');
    const completed = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
    expect(completed.data.some((e) => (e.data.object as Stripe.Checkout.Session).id === cs.id)).toBe(true);
    expect((await post(cs.url!, `card_number=4242424242424242&${CARD}`)).status).toBe(303);
  });

  it('the hosted form has expiry and CVC fields, checked the way Stripe test mode checks them', async () => {
    const cs = await session();
    const html = await (await fetch(cs.url!)).text();
    expect(html).toContain('name="card_expiry"');
    expect(html).toContain('name="card_cvc"');
    const year = new Date().getUTCFullYear() % 100;
    const cases: [string, number, string, string][] = [
      [
        'card_number=4242424242424242&card_cvc=123',
        400,
        'incomplete_expiry',
        'expiration date is incomplete',
      ],
      [
        `card_number=4242424242424242&card_expiry=13%2F${year + 1}&card_cvc=123`,
        402,
        'invalid_expiry_month',
        'month is invalid',
      ],
      [
        'card_number=4242424242424242&card_expiry=01%2F20&card_cvc=123',
        402,
        'expired_card',
        'Your card has expired.',
      ],
      [
        `card_number=4242424242424242&card_expiry=01%2F${year + 1}`,
        400,
        'incomplete_cvc',
        'security code is incomplete',
      ],
      [
        `card_number=4242424242424242&card_expiry=01%2F${year + 1}&card_cvc=12`,
        400,
        'incomplete_cvc',
        'incomplete',
      ],
      [
        `card_number=4242424242424242&card_expiry=01%2F${year + 1}&card_cvc=12a`,
        402,
        'invalid_cvc',
        'security code is invalid',
      ],
      [
        `card_number=4242424242424242&card_expiry=01%2F${year + 1}&card_cvc=1234`,
        402,
        'invalid_cvc',
        'invalid',
      ],
      [
        `card_number=378282246310005&card_expiry=01%2F${year + 1}&card_cvc=123`,
        400,
        'incomplete_cvc',
        'incomplete',
      ],
    ];
    for (const [body, status, code, text] of cases) {
      const res = await post(cs.url!, body);
      const page = await res.text();
      expect(res.status, body).toBe(status);
      expect(page, body).toContain(`<code>${code}</code>`);
      expect(page, body).toContain(text.replaceAll("'", '&#39;'));
    }
    // Refused in the form: nothing was attempted on the PaymentIntent.
    expect((await stripe.charges.list({ payment_intent: cs.payment_intent as string })).data).toEqual([]);
    expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe('open');
    const amex = await post(cs.url!, `card_number=3782+822463+10005&card_expiry=01${year + 1}&card_cvc=1234`);
    expect(amex.status).toBe(303);
    expect((await stripe.checkout.sessions.retrieve(cs.id)).payment_status).toBe('paid');
  });

  it('3-D Secure card on the hosted page goes through the challenge, then to success_url', async () => {
    const cs = await session();
    const res = await post(cs.url!, `card_number=4000002500003155&${CARD}`);
    expect(res.status).toBe(303);
    const challenge = res.headers.get('location')!;
    expect(challenge).toContain('/3ds/');
    const u = new URL(challenge);
    const approve = await post(
      `${s.url}${u.pathname}`,
      `client_secret=${u.searchParams.get('client_secret')}&outcome=approve`,
    );
    expect(approve.status).toBe(303);
    expect(approve.headers.get('location')).toContain(cs.id);
    expect((await stripe.checkout.sessions.retrieve(cs.id)).payment_status).toBe('paid');
  });

  it('expire: status expired, PaymentIntent canceled, page gone, event emitted', async () => {
    const cs = await session();
    const ex = await stripe.checkout.sessions.expire(cs.id);
    expect(ex.status).toBe('expired');
    expect((await stripe.paymentIntents.retrieve(cs.payment_intent as string)).status).toBe('canceled');
    expect((await fetch(`${s.url}/pay/${cs.id}`)).status).toBe(410);
    expect(await stripe.checkout.sessions.expire(cs.id).catch((e) => e.statusCode)).toBe(400);
    const events = await stripe.events.list({ type: 'checkout.session.expired' });
    expect(events.data[0]!.data.object).toMatchObject({ id: cs.id });
    const list = await stripe.checkout.sessions.list({ limit: 100, status: 'expired' });
    expect(list.data.map((x) => x.id)).toContain(cs.id);
  });

  it('refuses bad sessions: no line items, other modes, bad urls', async () => {
    const bad = [
      { mode: 'payment', line_items: [] },
      {
        mode: 'subscription',
        line_items: [
          { quantity: 1, price_data: { currency: 'eur', unit_amount: 100, product_data: { name: 'x' } } },
        ],
      },
      {
        mode: 'payment',
        success_url: 'javascript:alert(1)',
        line_items: [
          { quantity: 1, price_data: { currency: 'eur', unit_amount: 100, product_data: { name: 'x' } } },
        ],
      },
      { mode: 'payment', line_items: [{ price: 'price_123', quantity: 1 }] },
    ];
    for (const params of bad) {
      const err = await stripe.checkout.sessions.create(params as never).catch((e) => e);
      expect(err.statusCode).toBe(400);
    }
  });
});

describe('checkout expiry on the clock', () => {
  it('expires an open session when its expires_at passes', async () => {
    const clock = createManualClock(Date.now());
    const s = await startTestServer({ PAYMENTS_CHECKOUT_EXPIRES_SECONDS: '3600' }, { clock });
    const stripe = s.stripe();
    const cs = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { quantity: 1, price_data: { currency: 'eur', unit_amount: 5000, product_data: { name: 'Dress' } } },
      ],
    });
    clock.advance(3600_000 + 1000);
    await s.jobs.idle();
    expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe('expired');
    await s.close();
  });
});
