import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startTestServer, type TestServer } from '../test-support.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('idempotency keys', () => {
  let s: TestServer;
  // The witness for the in-flight case: the first request signals once it holds its key, then waits.
  let holding: (key: string) => void = () => undefined;
  let hold: Promise<void> | null = null;
  beforeAll(async () => {
    s = await startTestServer(
      {},
      {
        hooks: {
          beforeIdempotentHandler: async (key) => {
            if (!key.startsWith('slow-') || !hold) return;
            holding(key);
            await hold;
          },
        },
      },
    );
  });
  afterAll(() => s.close());

  it('replays the stored response with Idempotent-Replayed, and creates one object', async () => {
    const stripe = s.stripe();
    const a = await stripe.paymentIntents.create(
      { amount: 2000, currency: 'eur' },
      { idempotencyKey: 'order-1' },
    );
    const b = await stripe.paymentIntents.create(
      { amount: 2000, currency: 'eur' },
      { idempotencyKey: 'order-1' },
    );
    expect(b).toEqual(a);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.paymentIntents.list({ limit: 100 })).data.filter((p) => p.id === a.id)).toHaveLength(
      1,
    );
  });

  it('replays a card decline too (402)', async () => {
    const send = () =>
      raw(s.url, '/v1/payment_intents', {
        method: 'POST',
        headers: { ...form, 'idempotency-key': 'decl-1' },
        body: 'amount=2000&currency=eur&confirm=true&payment_method=pm_card_chargeDeclined',
      });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([402, 402]);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('400 idempotency_error when the same key comes with other parameters', async () => {
    const stripe = s.stripe();
    await stripe.paymentIntents.create({ amount: 2000, currency: 'eur' }, { idempotencyKey: 'order-2' });
    const err = await stripe.paymentIntents
      .create({ amount: 2100, currency: 'eur' }, { idempotencyKey: 'order-2' })
      .catch((e) => e);
    expect(err).toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });

  it('scopes keys per account', async () => {
    const a = await s
      .stripe()
      .paymentIntents.create({ amount: 2000, currency: 'eur' }, { idempotencyKey: 'shared' });
    const b = await s
      .stripe('sk_test_other')
      .paymentIntents.create({ amount: 2000, currency: 'eur' }, { idempotencyKey: 'shared' });
    expect(b.id).not.toBe(a.id);
  });

  it('409 while the first request with the key is still running', async () => {
    let release: () => void = () => undefined;
    hold = new Promise<void>((r) => {
      release = r;
    });
    const held = new Promise<string>((r) => {
      holding = r;
    });
    const send = () =>
      raw(s.url, '/v1/payment_intents', {
        method: 'POST',
        headers: { ...form, 'idempotency-key': 'slow-1' },
        body: 'amount=2000&currency=eur',
      });
    const first = send();
    expect(await held).toBe('slow-1');
    const second = await send();
    expect(second.status).toBe(409);
    expect((await second.json()).error).toMatchObject({
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
    });
    hold = null;
    release();
    expect((await first).status).toBe(200);
    const third = await send();
    expect(third.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a key longer than 255 characters is a Stripe-shaped 400, and nothing is created', async () => {
    const res = await raw(s.url, '/v1/payment_intents', {
      method: 'POST',
      headers: { ...form, 'idempotency-key': 'k'.repeat(256) },
      body: 'amount=2000&currency=eur&metadata[probe]=long-key',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'idempotency_key_invalid',
    });
    const list = await s.stripe().paymentIntents.list({ limit: 100 });
    expect(list.data.filter((p) => p.metadata.probe === 'long-key')).toHaveLength(0);
  });

  it('does not store validation failures: the key can be used again', async () => {
    const bad = await raw(s.url, '/v1/payment_intents', {
      method: 'POST',
      headers: { ...form, 'idempotency-key': 'k-val' },
      body: 'amount=x&currency=eur',
    });
    expect(bad.status).toBe(400);
    const good = await raw(s.url, '/v1/payment_intents', {
      method: 'POST',
      headers: { ...form, 'idempotency-key': 'k-val' },
      body: 'amount=2000&currency=eur',
    });
    expect(good.status).toBe(200);
  });
});
