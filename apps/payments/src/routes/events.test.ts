import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, raw, startReceiver, startTestServer, type TestServer } from '../test-support.ts';

const verifier = new Stripe('sk_test_unused', { telemetry: false });

describe('events: list, retrieve, retry', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('events: list with type filter and wildcard, retrieve, retry resends', async () => {
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    const created = await stripe.events.list({ type: 'payment_intent.created', limit: 100 });
    expect(created.data.every((e) => e.type === 'payment_intent.created')).toBe(true);
    const piEvents = await stripe.events.list({ type: 'payment_intent.*', limit: 100 });
    expect(piEvents.data.every((e) => e.type.startsWith('payment_intent.'))).toBe(true);
    const succeeded = piEvents.data.find(
      (e) => e.type === 'payment_intent.succeeded' && (e.data.object as Stripe.PaymentIntent).id === pi.id,
    )!;
    expect(succeeded).toMatchObject({ object: 'event', livemode: false, api_version: expect.any(String) });
    expect((await stripe.events.retrieve(succeeded.id)).id).toBe(succeeded.id);

    const receiver = await startReceiver();
    const ep = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['payment_intent.succeeded'],
    });
    const res = await raw(s.url, `/v1/events/${succeeded.id}/retry`, { method: 'POST' });
    expect(res.status).toBe(200);
    await eventually(() => receiver.deliveries.length === 1);
    expect(
      verifier.webhooks.constructEvent(
        receiver.deliveries[0]!.body,
        String(receiver.deliveries[0]!.headers['stripe-signature']),
        ep.secret!,
      ).id,
    ).toBe(succeeded.id);
    expect((await raw(s.url, '/v1/events/evt_nope/retry', { method: 'POST' })).status).toBe(404);
    await stripe.webhookEndpoints.del(ep.id);
    await receiver.close();
  });
});
