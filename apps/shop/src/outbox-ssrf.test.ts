// The shop's dispatcher checks each http(s) endpoint again at send time (issue 10): a host that resolved to a
// public address at registration and to an internal one when the event goes out (DNS rebinding) is refused.
import type { RunningApp } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { start } from './main.ts';
import {
  ADMIN,
  createOrder,
  piObject,
  stripeDelivery,
  stripeEvent,
  TEST_STRIPE_SECRET,
  type testShop,
} from './test-support.ts';

const REBIND_HOST = 'rebind.example.test';
const dns = vi.hoisted(() => ({ answers: ['93.184.215.14', '10.1.2.3'], asked: 0 }));

// The SSRF guard resolves with node:dns/promises; this host answers public first, internal after.
vi.mock('node:dns/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:dns/promises')>();
  const lookup = (async (host: string, options?: unknown) => {
    if (host !== 'rebind.example.test')
      return (real.lookup as (h: string, o?: unknown) => unknown)(host, options);
    const address = dns.answers[Math.min(dns.asked++, dns.answers.length - 1)];
    return [{ address, family: 4 }];
  }) as typeof real.lookup;
  return { ...real, default: { ...real, lookup }, lookup };
});

describe('outbox dispatcher: SSRF check at send time', () => {
  let shop: RunningApp;
  beforeAll(async () => {
    shop = await start(
      {
        PORT: '0',
        DATA_DIR: ':memory:',
        LOG_LEVEL: 'silent',
        HOOKLAB_DEV: '1',
        STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET,
        PAYMENTS_URL: 'http://127.0.0.1:9',
        LOGISTICS_URL: 'http://127.0.0.1:9',
      },
      { handleSignals: false },
    );
  });
  afterAll(() => shop?.close());

  it('refuses an endpoint whose host resolves to an internal address when the event is sent', async () => {
    const api = { request: (path: string, init?: RequestInit) => fetch(`${shop.url}${path}`, init) };
    const url = `http://${REBIND_HOST}/webhooks/shop`;
    const registered = await api.request('/v1/webhook_endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN },
      body: JSON.stringify({ url, enabled_events: ['order.paid'] }),
    });
    expect(registered.status).toBe(201);
    expect(dns.asked).toBe(1);

    const order = await createOrder(api as unknown as ReturnType<typeof testShop>['app']);
    const paid = await api.request(
      '/webhooks/stripe',
      stripeDelivery(stripeEvent('payment_intent.succeeded', piObject('pi_rebind', order.id))),
    );
    expect(paid.status).toBe(200);

    const attempt = await vi.waitFor(
      () => {
        const e = shop.recorder?.list().find((x) => x.url.startsWith(url) && x.error !== undefined);
        if (!e) throw new Error('no delivery attempt yet');
        return e;
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(attempt).toMatchObject({ error: expect.stringMatching(/: ssrf$/) });
    expect(attempt.responseBody).toMatch(/rebind\.example\.test resolves to 10\.1\.2\.3/);
  });
});
