// Exercise 07's seam: with `pnpm dev --exercise 07`, payments' delivery engine retries Stripe events on the
// attendee's rule. The witness is payments' own record of the failed attempt: when it plans the next one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { start } from '../../apps/payments/src/index.ts';
import { EXERCISES, modulePath, type Side } from '../exercises.ts';

const saved = { ...process.env };
let payments: Awaited<ReturnType<typeof start>> | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  process.env = { ...saved };
  await payments?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r(null)));
  payments = undefined;
  receiver = undefined;
});

/** Payments (dev mode, exercise 07 on `side` or none) and a receiver that always answers 503, Retry-After: 7. */
async function firstFailedAttempt(side?: Side) {
  if (side) {
    process.env.HOOKLAB_EXERCISE = '07';
    process.env.HOOKLAB_EXERCISE_MODULE = modulePath(EXERCISES.find((e) => e.id === '07')!, side);
  }
  receiver = createServer((_req, res) => res.writeHead(503, { 'retry-after': '7' }).end());
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  payments = await start({
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    WEBHOOK_RETRY_SCHEDULE: 'local',
  });
  const url = new URL(payments.url);
  const stripe = new Stripe('sk_test_hooklab', {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    telemetry: false,
  });
  await stripe.webhookEndpoints.create({ url: hook, enabled_events: ['payment_intent.succeeded'] });
  await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'eur',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  let attempt: ReturnType<NonNullable<typeof payments>['recorder']['list']>[number] | undefined;
  await expect
    .poll(
      () => {
        attempt = payments!.recorder.list().find((e) => e.direction === 'out' && e.url === hook);
        return attempt;
      },
      { timeout: 20_000 },
    )
    .toBeDefined();
  const a = attempt as typeof attempt & { nextAttemptAt?: number; outcome?: string; exercise?: string };
  return { waitMs: (a.nextAttemptAt ?? 0) - a.at, outcome: a.outcome, exercise: a.exercise };
}

describe('exercise 07 in payments', () => {
  it("the solution's rule honours Retry-After: 7 s; the attempt is marked 07", async () => {
    const r = await firstFailedAttempt('solution');
    expect(r.outcome).toBe('retry');
    expect(r.exercise).toBe('07');
    expect(r.waitMs).toBeGreaterThanOrEqual(6900);
    expect(r.waitMs).toBeLessThanOrEqual(7100);
  });

  it("the problem's rule waits its fixed 1 s, whatever the receiver asked", async () => {
    const r = await firstFailedAttempt('problem');
    expect(r.exercise).toBe('07');
    expect(r.waitMs).toBeGreaterThanOrEqual(900);
    expect(r.waitMs).toBeLessThanOrEqual(1100);
  });

  it('without the exercise: the engine decides, unmarked', async () => {
    const r = await firstFailedAttempt();
    expect(r.outcome).toBe('retry');
    expect(r.exercise).toBeUndefined();
  });
});
