// The seams of `pnpm dev --exercise NN` in the shop: the attendee's module replaces the default only in dev
// mode and only for its exercise, and every answer it shaped carries `x-hooklab-exercise`.
import { afterEach, describe, expect, it } from 'vitest';
import { start as startLogistics } from '../../apps/logistics/src/index.ts';
import {
  createOrder,
  json,
  listen,
  ORDER_BODY,
  piObject,
  stripeDelivery,
  stripeEvent,
  testShop,
} from '../../apps/shop/src/test-support.ts';
import { EXERCISES, modulePath, type Side } from '../exercises.ts';

const ex = (id: string) => EXERCISES.find((e) => e.id === id)!;
const saved = { ...process.env };

function useExercise(id: string, side: Side) {
  process.env.HOOKLAB_EXERCISE = id;
  process.env.HOOKLAB_EXERCISE_MODULE = modulePath(ex(id), side);
}

describe('shop seams', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => {
    shop?.close();
    process.env = { ...saved };
  });
  const deliver = (init: RequestInit) => shop.app.request('/webhooks/stripe', init);
  const paidEvent = async () =>
    stripeEvent('payment_intent.succeeded', piObject('pi_1', (await createOrder(shop.app)).id));

  it('without an exercise: the SDK verifies, nothing is marked', async () => {
    shop = testShop();
    const res = await deliver(stripeDelivery(await paidEvent()));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-hooklab-exercise')).toBeNull();
  });

  it("03: the problem's verifier refuses a valid delivery, marked; the solution's accepts it, marked", async () => {
    shop = testShop();
    useExercise('03', 'problem');
    const refused = await deliver(stripeDelivery(await paidEvent()));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-hooklab-exercise')).toBe('03');
    useExercise('03', 'solution');
    const accepted = await deliver(stripeDelivery(await paidEvent()));
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('x-hooklab-exercise')).toBe('03');
    const bad = await deliver(stripeDelivery(await paidEvent(), { secret: 'whsec_wrong' }));
    expect(bad.status).toBe(400);
  });

  it('03: outside dev mode the module is never loaded', async () => {
    shop = testShop({ env: { HOOKLAB_DEV: '0' } });
    useExercise('03', 'problem');
    const res = await deliver(stripeDelivery(await paidEvent()));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-hooklab-exercise')).toBeNull();
  });

  it("04: the solution's rememberEvent keeps the shop's inbox: a replay is a duplicate, marked", async () => {
    shop = testShop();
    useExercise('04', 'solution');
    const event = await paidEvent();
    const first = await deliver(stripeDelivery(event));
    const again = await deliver(stripeDelivery(event));
    expect(first.headers.get('x-hooklab-exercise')).toBe('04');
    expect(await first.json()).toMatchObject({ duplicate: false });
    expect(await again.json()).toMatchObject({ duplicate: true });
  });

  it("04: the problem's rememberEvent lets a replay through as new", async () => {
    shop = testShop();
    useExercise('04', 'problem');
    const event = await paidEvent();
    await deliver(stripeDelivery(event));
    const again = await deliver(stripeDelivery(event));
    expect(again.headers.get('x-hooklab-exercise')).toBe('04');
    expect(await again.json()).toMatchObject({ duplicate: false });
  });
});

describe('logistics seam (08)', () => {
  let logistics: Awaited<ReturnType<typeof startLogistics>> | undefined;
  afterEach(async () => {
    await logistics?.close();
    logistics = undefined;
    process.env = { ...saved };
  });
  const quote = (callback_url: string) =>
    fetch(`${logistics!.url}/v1/quotes`, {
      method: 'POST',
      headers: { authorization: 'Bearer lg_test_hooklab', 'content-type': 'application/json' },
      body: JSON.stringify({
        origin_postal_code: '75001',
        destination_postal_code: '69002',
        weight_grams: 900,
        callback_url,
      }),
    });
  const boot = (dev: '0' | '1') =>
    startLogistics({
      HOOKLAB_DEV: dev,
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      BLOBSTORE_SECRET: 'a-secret-of-the-test-only-0123456789',
    });

  it('the solution refuses 169.254.169.254 mapped into IPv6, marked; loopback passes in dev', async () => {
    logistics = await boot('1');
    useExercise('08', 'solution');
    const refused = await quote('http://[::ffff:a9fe:a9fe]/latest/meta-data/');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-hooklab-exercise')).toBe('08');
    expect(await refused.json()).toMatchObject({ code: 'ssrf_blocked', param: 'callback_url' });
    const ok = await quote('http://localhost:9/quotes');
    expect(ok.status).toBe(202);
    expect(ok.headers.get('x-hooklab-exercise')).toBe('08');
  });

  it('the problem lets the mapped address through (the bug the exercise is about)', async () => {
    logistics = await boot('1');
    useExercise('08', 'problem');
    const res = await quote('http://[::ffff:a9fe:a9fe]/latest/meta-data/');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-hooklab-exercise')).toBe('08');
  });

  it("outside dev mode the engine's guard decides, unmarked", async () => {
    logistics = await boot('0');
    useExercise('08', 'problem');
    const res = await quote('http://[::ffff:a9fe:a9fe]/latest/meta-data/');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-hooklab-exercise')).toBeNull();
  });
});

describe('shop seam (02): the poller of a polling order', () => {
  let shop: ReturnType<typeof testShop> | undefined;
  let payments: Awaited<ReturnType<typeof listen>> | undefined;
  afterEach(async () => {
    await shop?.ctx.poller.stopAll();
    shop?.close();
    await payments?.close();
    shop = payments = undefined;
    process.env = { ...saved };
  });

  /** Payments' PaymentIntent as a bank debit: created unpaid, then processing for two polls, then succeeded. */
  async function pollingOrder(dev: '0' | '1' = '1') {
    const polls: (string | undefined)[] = [];
    payments = await listen((req, _body, res) => {
      if (req.method === 'POST' && req.url === '/v1/payment_intents')
        return json(res, 200, { ...piObject('pi_poll', ''), status: 'requires_payment_method' });
      if (req.method === 'GET' && req.url?.startsWith('/v1/payment_intents/pi_poll')) {
        polls.push(req.headers['x-hooklab-exercise'] as string | undefined);
        const status =
          polls.length === 1 ? 'requires_payment_method' : polls.length < 4 ? 'processing' : 'succeeded';
        return json(res, 200, { ...piObject('pi_poll', ''), status, last_payment_error: null });
      }
      json(res, 404, { error: { type: 'invalid_request_error', message: 'no such route' } });
    });
    shop = testShop({ paymentsUrl: payments.url, env: { SHOP_POLL_INTERVAL_MS: '10', HOOKLAB_DEV: dev } });
    const order = await createOrder(shop.app, { ...ORDER_BODY, confirmation: 'polling' });
    const res = await shop.app.request(`/api/orders/${order.id}/payment_intent`, {
      method: 'POST',
      headers: { cookie: order.cookie },
    });
    expect(res.status).toBe(201);
    /** Resolves once the poller has stopped asking (its own loop or the attendee's). */
    const finished = () =>
      expect.poll(() => shop!.ctx.poller.isPolling(order.id), { timeout: 10_000 }).toBe(false);
    return { order, polls, finished, status: () => shop!.ctx.orders.get(order.id)?.status };
  }

  it("the solution's pollUntilFinal asks until the payment succeeded: the order is paid, every GET marked 02", async () => {
    useExercise('02', 'solution');
    const o = await pollingOrder();
    await o.finished();
    expect(o.status()).toBe('paid');
    // Unpaid (told requires_confirmation, so it keeps asking), processing twice, succeeded.
    expect(o.polls).toEqual(['02', '02', '02', '02']);
  });

  it("the problem's pollUntilFinal asks once and stops: the order stays unpaid", async () => {
    useExercise('02', 'problem');
    const o = await pollingOrder();
    await o.finished();
    expect(o.polls).toEqual(['02']);
    expect(o.status()).toBe('pending_payment');
  });

  it("outside dev mode the shop's own loop polls, unmarked", async () => {
    useExercise('02', 'problem');
    const o = await pollingOrder('0');
    await o.finished();
    expect(o.status()).toBe('paid');
    expect(o.polls).toEqual([undefined, undefined, undefined, undefined]);
  });
});
