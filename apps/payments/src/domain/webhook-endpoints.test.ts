// Endpoint health end to end, through the official SDK: a burst of failures never disables an
// endpoint; a window-long outage does, its deliveries are kept as failed, and a replay sends them.
import { createManualClock } from '@hooklab/webhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startReceiver, startTestServer, type TestServer } from '../test-support.ts';

const verifier = new Stripe('sk_test_unused', { telemetry: false });

describe('webhook endpoint health (Stripe: disabled after failing for a window of time, not a count)', () => {
  const clock = createManualClock(Date.now());
  let s: TestServer;
  let up = false;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    // Deliveries run on a manual clock; the window is 10 minutes instead of local mode's 72.
    // The burst is the point (200 PaymentIntents as fast as the SDK goes): the per-key rate limit is off here.
    s = await startTestServer(
      { PAYMENTS_ENDPOINT_DISABLE_AFTER_SECONDS: '600', PAYMENTS_RATE_LIMIT_PER_SECOND: '0' },
      { deliveryClock: clock },
    );
    receiver = await startReceiver(() => (up ? 200 : 503));
  });
  afterAll(async () => {
    await receiver.close();
    await s.close();
  });

  /** Waits until every message has had `attempts` attempts or was set aside, and none is in flight. */
  const settled = (attempts: number) =>
    eventually(async () => {
      const all = await s.outbox.listMessages({ limit: 1000 });
      const done = all.every(
        (m) => m.status === 'failed' || (m.status === 'pending' && m.attempts === attempts),
      );
      return done && all;
    }, 15_000);

  it('survives a burst, is disabled by a window-long outage, and replays what it missed', {
    timeout: 60_000,
  }, async () => {
    const stripe = s.stripe();
    const ep = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['payment_intent.created'],
    });
    const created = new Set<string>();
    for (let i = 0; i < 200; i++) {
      created.add((await stripe.paymentIntents.create({ amount: 1000 + i, currency: 'eur' })).id);
    }
    // The receiver is down: 200 failed first attempts within a moment, then no time passes.
    await eventually(() => receiver.deliveries.length >= 200, 15_000);
    await settled(1);
    expect((await stripe.webhookEndpoints.retrieve(ep.id)).status).toBe('enabled');

    // The outage goes on: retries 1 s, 5 s, 30 s, 2 min, 5 min, 10 min apart (Stripe's local schedule).
    let attempts = 1;
    while ((await stripe.webhookEndpoints.retrieve(ep.id)).status === 'enabled') {
      expect(attempts).toBeLessThan(8);
      const pending = await s.outbox.listMessages({ status: 'pending', limit: 1000 });
      clock.set(Math.max(...pending.map((m) => m.nextAttemptAt)));
      attempts++;
      await settled(attempts);
    }
    // Disabled once the failures had lasted 10 minutes: on the retry 17.6 minutes in.
    expect(attempts).toBe(7);
    const stats = await s.outbox.stats();
    expect(stats).toMatchObject({ failed: 200, canceled: 0, dead: 0, pending: 0, delivered: 0 });

    // Back up, enabled again, and the missed deliveries replayed: each event arrives, signed.
    up = true;
    const before = receiver.deliveries.length;
    expect((await stripe.webhookEndpoints.update(ep.id, { disabled: false })).status).toBe('enabled');
    expect(await s.replayFailedDeliveries(ep.id)).toBe(200);
    await eventually(async () => (await s.outbox.stats()).delivered === 200, 15_000);
    const replayed = receiver.deliveries
      .slice(before)
      .map((d) =>
        verifier.webhooks.constructEvent(
          d.body,
          String(d.headers['stripe-signature']),
          ep.secret!,
          300,
          undefined,
          clock.now(),
        ),
      );
    const received = new Set(replayed.map((e) => (e.data.object as Stripe.PaymentIntent).id));
    expect(received).toEqual(created);
    expect(replayed.every((e) => e.type === 'payment_intent.created')).toBe(true);
  });
});
