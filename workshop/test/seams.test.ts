// The seams of `pnpm dev --exercise NN` in the shop: the attendee's module replaces the default only in dev
// mode and only for its exercise, and every answer it shaped carries `x-hooklab-exercise`.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOrder,
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
