import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support.ts';

describe('refunds', () => {
  let s: TestServer;
  let stripe: Stripe;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
  });
  afterAll(() => s.close());

  it('partial then full refund; over-refund refused; events emitted', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    const r1 = await stripe.refunds.create({
      payment_intent: pi.id,
      amount: 2000,
      reason: 'requested_by_customer',
    });
    expect(r1).toMatchObject({
      object: 'refund',
      amount: 2000,
      status: 'succeeded',
      payment_intent: pi.id,
      charge: pi.latest_charge,
    });
    const over = await stripe.refunds.create({ payment_intent: pi.id, amount: 3001 }).catch((e) => e);
    expect(over).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
    const r2 = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(r2.amount).toBe(3000);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 5000, refunded: true });
    expect(await stripe.refunds.create({ payment_intent: pi.id }).catch((e) => e.code)).toBe(
      'charge_already_refunded',
    );
    expect((await stripe.refunds.retrieve(r1.id)).id).toBe(r1.id);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id)).toEqual([
      r2.id,
      r1.id,
    ]);
    const types = (await stripe.events.list({ limit: 5 })).data.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['charge.refunded', 'refund.created']);
    const refunded = (await stripe.events.list({ type: 'charge.refunded', limit: 1 })).data[0]!;
    expect(refunded.data.previous_attributes).toMatchObject({ amount_refunded: 2000, refunded: false });
  });

  it('refuses to refund what was not paid', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'eur' });
    expect(await stripe.refunds.create({ payment_intent: pi.id }).catch((e) => e.statusCode)).toBe(400);
    expect(await stripe.refunds.create({} as never).catch((e) => e.code)).toBe('parameter_missing');
  });
});
