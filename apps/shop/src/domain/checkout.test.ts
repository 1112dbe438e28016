import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, json, listen, testShop } from '../test-support.ts';

interface Session {
  id: string;
  object: 'checkout.session';
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  payment_intent: string;
  expires_at: number;
}

describe('one open Checkout Session per order', () => {
  const creates: { key: string | undefined; form: URLSearchParams }[] = [];
  const sessions = new Map<string, Session>();
  let failNextCreate = 0;
  /** The provider answers a creation only once this settles (open by default). */
  let answerCreates: Promise<void> = Promise.resolve();
  let fake: Awaited<ReturnType<typeof listen>>;
  let shop: ReturnType<typeof testShop>;

  beforeAll(async () => {
    fake = await listen(async (req, body, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const form = new URLSearchParams(body);
        creates.push({ key: req.headers['idempotency-key'] as string | undefined, form });
        if (failNextCreate > 0) {
          failNextCreate -= 1;
          return json(res, 500, { error: { type: 'api_error', message: 'try again' } });
        }
        const id = `cs_test_${creates.length}`;
        const session: Session = {
          id,
          object: 'checkout.session',
          url: `${fake.url}/pay/${id}`,
          status: 'open',
          payment_intent: `pi_${creates.length}`,
          expires_at: Number(form.get('expires_at')),
        };
        sessions.set(id, session);
        await answerCreates;
        return json(res, 200, session);
      }
      const found = req.method === 'GET' && sessions.get(path.replace('/v1/checkout/sessions/', ''));
      if (found) return json(res, 200, found);
      json(res, 404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'no' } });
    });
  });
  afterAll(() => fake.close());
  afterEach(() => shop?.close());

  const createsFor = (orderId: string) => creates.filter((c) => c.form.get('metadata[order_id]') === orderId);

  it('two parallel clicks make one session, and the Stripe call carries a key derived from the order', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const order = await createOrder(shop.app);
    const click = () =>
      shop.app.request(`/api/orders/${order.id}/checkout`, {
        method: 'POST',
        headers: { cookie: order.cookie },
      });
    // The provider holds its answer until the second click has joined the first one's flight: they overlap.
    let answer!: () => void;
    answerCreates = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const run = shop.ctx.flights.run.bind(shop.ctx.flights);
    let flights = 0;
    const bothIn = new Promise<void>((resolve) => {
      shop.ctx.flights.run = (key, task) => {
        const p = run(key, task);
        if (++flights === 2) resolve();
        return p;
      };
    });
    const clicks = Promise.all([click(), click()]);
    await bothIn;
    answer();
    const [a, b] = await clicks;
    expect([a.status, b.status]).toEqual([201, 201]);
    const [first, second] = (await Promise.all([a.json(), b.json()])) as { session_id: string }[];
    expect(first!.session_id).toBe(second!.session_id);
    const made = createsFor(order.id);
    expect(made).toHaveLength(1);
    expect(made[0]!.key).toBe(`atelier-checkout-${order.id}-${made[0]!.form.get('expires_at')}`);
  });

  it('retries after a payments error with the same key, and a new session after expiry gets a new one', async () => {
    shop = testShop({ paymentsUrl: fake.url });
    const order = await createOrder(shop.app);
    const click = () =>
      shop.app.request(`/api/orders/${order.id}/checkout`, {
        method: 'POST',
        headers: { cookie: order.cookie },
      });
    failNextCreate = 1;
    expect((await click()).status).toBe(502);
    const retried = await click();
    expect(retried.status).toBe(201);
    const [failed, succeeded] = createsFor(order.id);
    // The same logical request both times: had the first one reached Stripe, the retry would replay it.
    expect(succeeded!.key).toBe(failed!.key);
    const { session_id } = (await retried.json()) as { session_id: string };

    sessions.get(session_id)!.status = 'expired';
    const again = await click();
    expect(again.status).toBe(201);
    expect(((await again.json()) as { session_id: string }).session_id).not.toBe(session_id);
    const third = createsFor(order.id)[2]!;
    expect(third.key).not.toBe(succeeded!.key);
    expect(third.key).toBe(`atelier-checkout-${order.id}-${third.form.get('expires_at')}`);
  });
});
