import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, raw, startReceiver, startTestServer, type TestServer } from '../test-support.ts';

const verifier = new Stripe('sk_test_unused', { telemetry: false });

describe('webhook endpoints and signed deliveries', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('CRUD: secret only at creation, update, disable, delete', async () => {
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/hook',
      enabled_events: ['payment_intent.succeeded'],
      description: 'shop',
      metadata: { team: 'a' },
    });
    expect(ep).toMatchObject({
      object: 'webhook_endpoint',
      status: 'enabled',
      enabled_events: ['payment_intent.succeeded'],
      description: 'shop',
    });
    expect(ep.secret).toMatch(/^whsec_/);
    const got = await stripe.webhookEndpoints.retrieve(ep.id);
    expect(got.secret).toBeUndefined();
    const up = await stripe.webhookEndpoints.update(ep.id, { enabled_events: ['*'], disabled: true });
    expect(up).toMatchObject({ enabled_events: ['*'], status: 'disabled' });
    expect((await stripe.webhookEndpoints.update(ep.id, { disabled: false })).status).toBe('enabled');
    const list = await stripe.webhookEndpoints.list();
    expect(list.data.map((e) => e.id)).toContain(ep.id);
    expect(list.data.every((e) => e.secret === undefined)).toBe(true);
    expect(await stripe.webhookEndpoints.del(ep.id)).toEqual({
      id: ep.id,
      object: 'webhook_endpoint',
      deleted: true,
    });
    expect(await stripe.webhookEndpoints.retrieve(ep.id).catch((e) => e.statusCode)).toBe(404);
  });

  it('validates url and events', async () => {
    const stripe = s.stripe();
    for (const url of ['ftp://x.test/', 'not a url', 'http://10.0.0.1/hook', 'http://user:pw@127.0.0.1/']) {
      const err = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }).catch((e) => e);
      expect(err).toMatchObject({ statusCode: 400, param: 'url' });
    }
    const err = await stripe.webhookEndpoints
      .create({ url: 'http://127.0.0.1:9/', enabled_events: ['nope.event' as never] })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, param: 'enabled_events[0]' });
  });

  it('accepts a public name that does not resolve from here; an unknown id on update is a 404', async () => {
    const stripe = s.stripe();
    // RFC 6761: .invalid never resolves, as example.com does not in a sandbox; Stripe accepts both.
    const ep = await stripe.webhookEndpoints.create({
      url: 'https://hooks.invalid/stripe',
      enabled_events: ['*'],
    });
    expect(ep.url).toBe('https://hooks.invalid/stripe');
    const moved = await stripe.webhookEndpoints.update(ep.id, { url: 'https://example.invalid/hook' });
    expect(moved.url).toBe('https://example.invalid/hook');
    await stripe.webhookEndpoints.del(ep.id);
    const err = await stripe.webhookEndpoints
      .update('we_unknown', { url: 'http://10.0.0.1/hook' })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });

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
    expect(quiet.deliveries).toHaveLength(0);
    await stripe.webhookEndpoints.del(ep.id);
    await stripe.webhookEndpoints.del(off.id);
    await receiver.close();
    await quiet.close();
  });

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
