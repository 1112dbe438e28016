import { createManualClock } from '@hooklab/webhooks';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RK, raw, SK_OTHER, startTestServer, stripeError, type TestServer } from '../test-support.ts';

describe('PaymentIntents through the official SDK', () => {
  let s: TestServer;
  let stripe: Stripe;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
  });
  afterAll(() => s.close());

  it('creates, retrieves, updates and lists', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 12900,
      currency: 'EUR',
      description: 'Linen wrap dress',
      metadata: { order_id: 'ord_1' },
    });
    expect(pi).toMatchObject({
      object: 'payment_intent',
      amount: 12900,
      currency: 'eur',
      status: 'requires_payment_method',
      metadata: { order_id: 'ord_1' },
      livemode: false,
    });
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    expect(pi.lastResponse.requestId).toMatch(/^req_/);

    const got = await stripe.paymentIntents.retrieve(pi.id);
    expect(got).toEqual(pi);

    const up = await stripe.paymentIntents.update(pi.id, { amount: 13900, metadata: { note: 'gift' } });
    expect(up).toMatchObject({ amount: 13900, metadata: { order_id: 'ord_1', note: 'gift' } });
    const cleared = await stripe.paymentIntents.update(pi.id, { metadata: { note: '' } });
    expect(cleared.metadata).toEqual({ order_id: 'ord_1' });

    const list = await stripe.paymentIntents.list({ limit: 100 });
    expect(list).toMatchObject({ object: 'list', url: '/v1/payment_intents' });
    expect(list.data.some((p) => p.id === pi.id)).toBe(true);
  });

  it('paginates newest first with starting_after and ending_before', async () => {
    const t = await startTestServer();
    const sdk = t.stripe();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await sdk.paymentIntents.create({ amount: 1000 + i, currency: 'usd' })).id);
    const first = await sdk.paymentIntents.list({ limit: 2 });
    expect(first.data.map((p) => p.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    const second = await sdk.paymentIntents.list({ limit: 2, starting_after: ids[3] });
    expect(second.data.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    const last = await sdk.paymentIntents.list({ limit: 2, starting_after: ids[1] });
    expect(last.data.map((p) => p.id)).toEqual([ids[0]]);
    expect(last.has_more).toBe(false);
    const back = await sdk.paymentIntents.list({ limit: 2, ending_before: ids[1] });
    expect(back.data.map((p) => p.id)).toEqual([ids[3], ids[2]]);
    expect(back.has_more).toBe(true);
    const all: string[] = [];
    for await (const p of sdk.paymentIntents.list({ limit: 2 })) all.push(p.id);
    expect(all).toEqual([...ids].reverse());
    const bad = await stripeError(sdk.paymentIntents.list({ limit: 101 }));
    expect(bad).toMatchObject({ type: 'StripeInvalidRequestError', param: 'limit' });
    await t.close();
  });

  it('confirms with pm_card_visa: succeeded with a charge, expandable', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      payment_method: 'pm_card_visa',
    });
    expect(pi.status).toBe('requires_confirmation');
    const done = await stripe.paymentIntents.confirm(pi.id, { expand: ['latest_charge'] });
    expect(done).toMatchObject({ status: 'succeeded', amount_received: 2000 });
    const charge = done.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      captured: true,
      amount: 2000,
      payment_intent: pi.id,
    });
    expect((await stripe.charges.retrieve(charge.id)).id).toBe(charge.id);
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
  ])(
    '%s declines with 402 card_error %s/%s and returns to requires_payment_method',
    async (pm, code, declineCode) => {
      const err = await stripeError(
        stripe.paymentIntents.create({ amount: 2000, currency: 'eur', confirm: true, payment_method: pm }),
      );
      expect(err).toMatchObject({
        type: 'StripeCardError',
        statusCode: 402,
        code,
        decline_code: declineCode,
      });
      const pi = err.payment_intent!;
      expect(pi.status).toBe('requires_payment_method');
      expect(pi.last_payment_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode });
      const stored = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
      expect(stored.status).toBe('requires_payment_method');
      expect((stored.latest_charge as Stripe.Charge).status).toBe('failed');
      const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
      expect(retried.status).toBe('succeeded');
      expect(retried.last_payment_error).toBeNull();
    },
  );

  it('refuses an unknown payment method with 404 resource_missing', async () => {
    const err = await stripeError(
      stripe.paymentIntents.create({ amount: 2000, currency: 'eur', payment_method: 'pm_nope' }),
    );
    expect(err).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'payment_method',
    });
  });

  it('3-D Secure: requires_action with a redirect to the challenge page, approve and fail', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_threeDSecureRequired',
      return_url: 'https://shop.test/return',
    });
    expect(pi.status).toBe('requires_action');
    const url = pi.next_action?.redirect_to_url?.url;
    expect(url).toContain(`${s.url}/3ds/${pi.id}`);
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Complete authentication');
    const post = await fetch(`${s.url}/3ds/${pi.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_secret=${pi.client_secret}&outcome=approve`,
      redirect: 'manual',
    });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toMatch(
      /^https:\/\/shop\.test\/return\?payment_intent=pi_.*redirect_status=succeeded/,
    );
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');

    const pi2 = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_threeDSecureRequired',
    });
    const wrong = await fetch(`${s.url}/3ds/${pi2.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_secret=nope&outcome=approve',
    });
    expect(wrong.status).toBe(404);
    await fetch(`${s.url}/3ds/${pi2.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_secret=${pi2.client_secret}&outcome=fail`,
    });
    const failed = await stripe.paymentIntents.retrieve(pi2.id);
    expect(failed).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'payment_intent_authentication_failure' },
    });
  });

  it('manual capture: requires_capture, then capture (partial), then refuse a second capture', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'eur',
      capture_method: 'manual',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 3000 });
    const cap = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2500 });
    expect(cap).toMatchObject({ status: 'succeeded', amount_received: 2500, amount_capturable: 0 });
    const again = await stripeError(stripe.paymentIntents.capture(pi.id));
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('cancels, and refuses to cancel a succeeded payment', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur' });
    const c = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' });
    expect(c).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect(c.canceled_at).toBeTypeOf('number');
    const paid = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    expect(await stripeError(stripe.paymentIntents.cancel(paid.id))).toMatchObject({
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
    });
    expect(
      await stripeError(stripe.paymentIntents.confirm(c.id, { payment_method: 'pm_card_visa' })),
    ).toMatchObject({ statusCode: 400 });
  });

  it('missing and invalid parameters are 400s naming the parameter', async () => {
    expect(await stripeError(stripe.paymentIntents.create({ currency: 'eur' } as never))).toMatchObject({
      code: 'parameter_missing',
      param: 'amount',
    });
    expect(
      await stripeError(stripe.paymentIntents.create({ amount: 'ten' as never, currency: 'eur' })),
    ).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
    expect(await stripeError(stripe.paymentIntents.create({ amount: 10, currency: 'eur' }))).toMatchObject({
      code: 'amount_too_small',
      param: 'amount',
    });
    expect(
      await stripeError(
        stripe.paymentIntents.create({ amount: 1000, currency: 'eur', metadata: { a: { b: 'c' } } as never }),
      ),
    ).toMatchObject({ param: 'metadata' });
    expect(
      await stripeError(
        stripe.paymentIntents.create({ amount: 1000, currency: 'eur', shipping_rate: 'x' } as never),
      ),
    ).toMatchObject({
      code: 'parameter_unknown',
      param: 'shipping_rate',
      message: 'Received unknown parameter: shipping_rate',
    });
    expect(await stripeError(stripe.paymentIntents.retrieve('pi_doesnotexist'))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('a publishable key reads a PaymentIntent only with its client_secret', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur' });
    const ok = await raw(s.url, `/v1/payment_intents/${pi.id}?client_secret=${pi.client_secret}`, {
      key: 'pk_test_hooklab',
    });
    expect(ok.status).toBe(200);
    const bad = await raw(s.url, `/v1/payment_intents/${pi.id}`, { key: 'pk_test_hooklab' });
    expect(bad.status).toBe(400);
    const write = await raw(s.url, '/v1/payment_intents', { key: 'pk_test_hooklab', method: 'POST' });
    expect(write.status).toBe(403);
  });

  it('keeps accounts apart and read-only keys read-only', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur' });
    expect(await stripeError(s.stripe(SK_OTHER).paymentIntents.retrieve(pi.id))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    expect((await s.stripe(SK_OTHER).paymentIntents.list()).data).toEqual([]);
    expect((await s.stripe(RK).paymentIntents.retrieve(pi.id)).id).toBe(pi.id);
    expect(
      await stripeError(s.stripe(RK).paymentIntents.create({ amount: 3000, currency: 'eur' })),
    ).toMatchObject({
      type: 'StripePermissionError',
      statusCode: 403,
    });
  });
});

describe('bank debit: processing, then settled by a durable job on the clock', () => {
  it('goes processing → succeeded when the clock passes the delay', async () => {
    const clock = createManualClock(Date.now());
    const s = await startTestServer({ PAYMENTS_PROCESSING_DELAY_MS: '3000' }, { clock });
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      confirm: true,
      payment_method: 'pm_usBankAccount_success',
    });
    expect(pi.status).toBe('processing');
    clock.advance(2000);
    await s.jobs.idle();
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('processing');
    clock.advance(1000);
    await s.jobs.idle();
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
    expect(types).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);

    const closed = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      confirm: true,
      payment_method: 'pm_usBankAccount_accountClosed',
    });
    clock.advance(3000);
    await s.jobs.idle();
    expect(await stripe.paymentIntents.retrieve(closed.id)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'account_closed' },
    });
    await s.close();
  });
});

describe('parameter rules as Stripe applies them', () => {
  let s: TestServer;
  let stripe: Stripe;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
  });
  afterAll(() => s.close());

  it('refuses a currency that is not ISO 4217, on PaymentIntents and Checkout Sessions', async () => {
    const pi = await stripeError(stripe.paymentIntents.create({ amount: 2000, currency: 'zzz' }));
    expect(pi).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param: 'currency' });
    expect(pi.message).toMatch(
      /^Invalid currency: zzz\. Stripe currently supports these currencies: .*\beur\b/,
    );
    const cs = await stripeError(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: 'zzz', unit_amount: 100, product_data: { name: 'x' } } },
        ],
      }),
    );
    expect(cs).toMatchObject({ statusCode: 400, param: 'line_items[0][price_data][currency]' });
    const existing = await stripe.paymentIntents.create({ amount: 2000, currency: 'eur' });
    expect(await stripeError(stripe.paymentIntents.update(existing.id, { currency: 'xau' }))).toMatchObject({
      statusCode: 400,
      param: 'currency',
    });
    const jpy = await stripe.paymentIntents.create({ amount: 5000, currency: 'JPY' });
    expect(jpy.currency).toBe('jpy');
  });

  it('an amount above eight digits is amount_too_large', async () => {
    const err = await stripeError(stripe.paymentIntents.create({ amount: 100_000_000, currency: 'usd' }));
    expect(err).toMatchObject({
      statusCode: 400,
      code: 'amount_too_large',
      param: 'amount',
      message: 'Amount must be no more than $999,999.99',
    });
    const max = await stripe.paymentIntents.create({ amount: 99_999_999, currency: 'usd' });
    expect(await stripeError(stripe.paymentIntents.update(max.id, { amount: 100_000_000 }))).toMatchObject({
      code: 'amount_too_large',
    });
    expect(await stripeError(stripe.paymentIntents.create({ amount: 10, currency: 'usd' }))).toMatchObject({
      code: 'amount_too_small',
      message: 'Amount must be at least $0.50 usd',
    });
  });

  it('off_session=true with confirm=true pays a saved card; a card that needs 3-D Secure is declined', async () => {
    const paid = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
      off_session: true,
    });
    expect(paid.status).toBe('succeeded');
    const declined = await stripeError(
      stripe.paymentIntents.create({
        amount: 2000,
        currency: 'eur',
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        off_session: 'recurring',
      }),
    );
    expect(declined).toMatchObject({
      type: 'StripeCardError',
      statusCode: 402,
      code: 'authentication_required',
      decline_code: 'authentication_required',
    });
    expect(declined.payment_intent?.status).toBe('requires_payment_method');
    const later = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      payment_method: 'pm_card_visa',
    });
    expect((await stripe.paymentIntents.confirm(later.id, { off_session: true })).status).toBe('succeeded');
    expect(
      await stripeError(stripe.paymentIntents.create({ amount: 2000, currency: 'eur', off_session: true })),
    ).toMatchObject({ statusCode: 400, param: 'off_session' });
  });

  it('answers pretty-printed JSON (two spaces), errors and idempotent replays included', async () => {
    const send = () =>
      raw(s.url, '/v1/payment_intents', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'pretty-1' },
        body: 'amount=2000&currency=eur',
      });
    const first = await send();
    const text = await first.text();
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(text).toMatch(/^\{\n {2}"id": "pi_/);
    expect(text).toContain('\n  "object": "payment_intent",\n');
    const replay = await send();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(text);
    const error = await (await raw(s.url, '/v1/payment_intents/pi_nope')).text();
    expect(error).toMatch(/^\{\n {2}"error": \{\n {4}"type": "invalid_request_error",/);
    const list = await (await raw(s.url, '/v1/payment_intents?limit=1')).text();
    expect(list).toMatch(/^\{\n {2}"object": "list",/);
  });
});
