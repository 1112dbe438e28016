import { createManualClock } from '@hooklab/webhooks';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startTestServer, type TestServer } from '../test-support.ts';

type Listed = { data: { id: string; created: number }[] };

describe('lists filter on created (created=T and created[gt|gte|lt|lte])', () => {
  const t0 = Math.floor(Date.parse('2026-03-01T10:00:00Z') / 1000);
  const clock = createManualClock(t0 * 1000);
  let s: TestServer;
  let stripe: Stripe;
  const early: Record<string, string> = {};
  const late: Record<string, string> = {};

  // One object of each kind at t0, another at t0 + 60 (the clock moves, nothing sleeps).
  async function makeAll(into: Record<string, string>) {
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    into.payment_intents = pi.id;
    into.charges = pi.latest_charge as string;
    into.refunds = (await stripe.refunds.create({ payment_intent: pi.id, amount: 100 })).id;
    into.sessions = (
      await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: 'eur', unit_amount: 900, product_data: { name: 'x' } } },
        ],
      })
    ).id;
    into.endpoints = (
      await stripe.webhookEndpoints.create({ url: 'https://hooks.invalid/stripe', enabled_events: ['*'] })
    ).id;
    into.products = (await stripe.products.create({ name: 'Dress' })).id;
    into.events = (await stripe.events.list({ limit: 1 })).data[0]!.id;
  }

  beforeAll(async () => {
    s = await startTestServer({}, { clock });
    stripe = s.stripe();
    await makeAll(early);
    clock.advance(60_000);
    await makeAll(late);
  });
  afterAll(() => s.close());

  const lists: Record<string, (created: Stripe.RangeQueryParam | number) => Promise<Listed>> = {
    payment_intents: (created) => stripe.paymentIntents.list({ created, limit: 100 }),
    charges: (created) => stripe.charges.list({ created, limit: 100 }),
    refunds: (created) => stripe.refunds.list({ created, limit: 100 }),
    sessions: (created) => stripe.checkout.sessions.list({ created, limit: 100 }),
    endpoints: (created) =>
      stripe.webhookEndpoints.list({ created, limit: 100 } as Stripe.WebhookEndpointListParams),
    products: (created) => stripe.products.list({ created, limit: 100 }),
    events: (created) => stripe.events.list({ created, limit: 100 }),
  };

  it.each(Object.keys(lists))('%s', async (kind) => {
    const ids = async (created: Stripe.RangeQueryParam | number) =>
      (await lists[kind]!(created)).data.map((o) => o.id);
    const both = [early[kind], late[kind]];
    expect(await ids({ gte: t0 })).toEqual(expect.arrayContaining(both));
    expect(await ids({ gt: t0 })).toContain(late[kind]);
    expect(await ids({ gt: t0 })).not.toContain(early[kind]);
    expect(await ids({ lt: t0 + 60 })).toContain(early[kind]);
    expect(await ids({ lt: t0 + 60 })).not.toContain(late[kind]);
    expect(await ids({ gte: t0 + 1, lte: t0 + 60 })).toEqual(expect.arrayContaining([late[kind]]));
    expect(await ids(t0)).toContain(early[kind]);
    expect(await ids(t0)).not.toContain(late[kind]);
    expect(await ids({ gt: t0 + 60 })).toEqual([]);
  });

  it('the event type filters combine with created', async () => {
    const created = await stripe.events.list({
      types: ['payment_intent.*'],
      created: { gt: t0 },
      limit: 100,
    });
    expect(created.data.length).toBeGreaterThan(0);
    expect(created.data.every((e) => e.created > t0 && e.type.startsWith('payment_intent.'))).toBe(true);
  });

  it('a bad created is a 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['created=yesterday', 'created'],
      ['created[gt]=x', 'created[gt]'],
      ['created[after]=1', 'created[after]'],
    ]) {
      const res = await raw(s.url, `/v1/payment_intents?${query}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.param).toBe(param);
    }
  });
});
