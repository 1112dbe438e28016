import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startReceiver, startTestServer, type TestServer } from '../../test-support.ts';

const verifier = new Stripe('sk_test_unused', { telemetry: false });

describe('webhook endpoints and signed deliveries', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('delivers signed events that stripe.webhooks.constructEvent accepts; pending_webhooks goes to 0', async () => {
    const receiver = await startReceiver();
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['payment_intent.succeeded', 'charge.*' as never],
    });
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    await eventually(() => receiver.deliveries.length >= 2);
    const events = receiver.deliveries.map((d) =>
      verifier.webhooks.constructEvent(d.body, String(d.headers['stripe-signature']), ep.secret!),
    );
    expect(events.map((e) => e.type).sort()).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded')!;
    expect((succeeded.data.object as Stripe.PaymentIntent).id).toBe(pi.id);
    expect(succeeded.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect(() =>
      verifier.webhooks.constructEvent(
        receiver.deliveries[0]!.body,
        String(receiver.deliveries[0]!.headers['stripe-signature']),
        'whsec_wrong',
      ),
    ).toThrow();
    const stored = await eventually(async () => {
      const e = await stripe.events.retrieve(succeeded.id);
      return e.pending_webhooks === 0 ? e : undefined;
    });
    expect(stored.pending_webhooks).toBe(0);
    await stripe.webhookEndpoints.del(ep.id);
    await receiver.close();
  });

  it('retries after a 500 with a fresh signature, and a disabled endpoint gets nothing', async () => {
    const receiver = await startReceiver((_d, n) => (n === 1 ? 500 : 200));
    const quiet = await startReceiver();
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['payment_intent.created'],
    });
    const off = await stripe.webhookEndpoints.create({ url: quiet.url, enabled_events: ['*'] });
    await stripe.webhookEndpoints.update(off.id, { disabled: true });
    await stripe.paymentIntents.create({ amount: 2000, currency: 'eur' });
    await eventually(() => receiver.deliveries.length >= 2, 10_000);
    const [first, second] = receiver.deliveries;
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['x-hooklab-attempt']).toBe('2');
    expect(
      verifier.webhooks.constructEvent(second!.body, String(second!.headers['stripe-signature']), ep.secret!)
        .type,
    ).toBe('payment_intent.created');
    // Nothing was ever queued for the disabled endpoint (not merely "nothing arrived yet").
    const queued = (await s.outbox.listMessages({ limit: 1000 })).filter((m) => m.endpointId === off.id);
    expect(queued).toHaveLength(0);
    expect(quiet.deliveries).toHaveLength(0);
    await stripe.webhookEndpoints.del(ep.id);
    await stripe.webhookEndpoints.del(off.id);
    await receiver.close();
    await quiet.close();
  });
});

describe('endpoint health', () => {
  it('disables an endpoint after failing for its window (1 s here), and uses the dev secret when set', async () => {
    const s = await startTestServer({
      PAYMENTS_ENDPOINT_DISABLE_AFTER_SECONDS: '1',
      PAYMENTS_DEV_WEBHOOK_SECRET: 'whsec_devsecret123',
    });
    const receiver = await startReceiver(() => 503);
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    expect(ep.secret).toBe('whsec_devsecret123');
    await stripe.paymentIntents.create({ amount: 2000, currency: 'eur' });
    const disabled = await eventually(async () => {
      const e = await stripe.webhookEndpoints.retrieve(ep.id);
      return e.status === 'disabled' ? e : undefined;
    }, 10_000);
    expect(disabled.status).toBe('disabled');
    await receiver.close();
    await s.close();
  });
});
