import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createTestContext } from './test-support.ts';

function testApp() {
  return createApp(createTestContext({ PAYMENTS_MAX_BODY_BYTES: '4096' }));
}

const auth = { authorization: 'Bearer sk_test_hooklab' };
const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };

const ROUTES: [string, string][] = [
  ['POST', '/v1/payment_intents'],
  ['GET', '/v1/payment_intents'],
  ['GET', '/v1/payment_intents/pi_x'],
  ['POST', '/v1/payment_intents/pi_x'],
  ['POST', '/v1/payment_intents/pi_x/confirm'],
  ['POST', '/v1/payment_intents/pi_x/capture'],
  ['POST', '/v1/payment_intents/pi_x/cancel'],
  ['GET', '/v1/charges'],
  ['POST', '/v1/refunds'],
  ['GET', '/v1/refunds'],
  ['POST', '/v1/checkout/sessions'],
  ['GET', '/v1/checkout/sessions'],
  ['POST', '/v1/checkout/sessions/cs_x/expire'],
  ['GET', '/v1/events'],
  ['POST', '/v1/events/evt_x/retry'],
  ['POST', '/v1/webhook_endpoints'],
  ['GET', '/v1/webhook_endpoints'],
  ['POST', '/v1/webhook_endpoints/we_x'],
  ['DELETE', '/v1/webhook_endpoints/we_x'],
  ['POST', '/v1/products'],
  ['GET', '/v1/products'],
  ['POST', '/v1/products/prod_x'],
  ['DELETE', '/v1/products/prod_x'],
  ['POST', '/v1/prices'],
  ['GET', '/v1/prices'],
  ['POST', '/v1/prices/price_x'],
];

async function expectStripeError(res: Response, status?: number) {
  if (status) expect(res.status).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = await res.json();
  expect(body.error.type).toBeTypeOf('string');
  expect(body.error.message).toBeTypeOf('string');
  return body.error as { type: string; code?: string; param?: string; message: string };
}

describe('bad input is a Stripe-shaped 4xx, never a 500', () => {
  const app = testApp();

  it('JSON body, wrong content type, multipart', async () => {
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await app.request('/v1/payment_intents', {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body: '{"amount":2000,"currency":"eur"}',
      });
      const err = await expectStripeError(res, 400);
      expect(err.message).toContain('form-encoded');
    }
  });

  it('oversized body → 413 (declared and streamed)', async () => {
    const big = `description=${'x'.repeat(10_000)}`;
    await expectStripeError(
      await app.request('/v1/payment_intents', { method: 'POST', headers: form, body: big }),
      413,
    );
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await app.request('/v1/payment_intents', {
      method: 'POST',
      headers: form,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectStripeError(res, 413);
  });

  it('malformed forms name the parameter', async () => {
    const err = await expectStripeError(
      await app.request('/v1/payment_intents', {
        method: 'POST',
        headers: form,
        body: 'amount=1&amount[x]=2',
      }),
      400,
    );
    expect(err.param).toBe('amount');
    const q = await expectStripeError(
      await app.request('/v1/payment_intents?limit[a]=1', { headers: auth }),
      400,
    );
    expect(q.param).toBe('limit');
  });

  it('wrong types and unknown parameters', async () => {
    const cases: [string, string][] = [
      ['amount=2000&currency=eur&confirm=maybe', 'confirm'],
      ['amount=2000&currency=euro', 'currency'],
      ['amount=2000&currency=eur&capture_method=later', 'capture_method'],
      ['amount=2000&currency=eur&payment_method_types=card', 'payment_method_types'],
      ['amount=2000&currency=eur&metadata[k]=' + 'v'.repeat(501), 'metadata[k]'],
      ['amount=2000&currency=eur&metadata[a][b]=c', 'metadata'],
      ['amount=2000&currency=eur&nested[x]=1', 'nested'],
      ['amount=1e3&currency=eur', 'amount'],
    ];
    for (const [body, param] of cases) {
      const err = await expectStripeError(
        await app.request('/v1/payment_intents', { method: 'POST', headers: form, body }),
        400,
      );
      expect(err.param, body).toBe(param);
    }
  });

  it('property: random bodies and query strings on every route never give a 500', async () => {
    const key = fc.oneof(
      fc.constantFrom(
        'amount',
        'currency',
        'confirm',
        'metadata',
        'expand',
        'limit',
        'url',
        'enabled_events',
        'line_items',
        'mode',
        'payment_method',
        'type',
        'disabled',
        'created',
        'off_session',
        'price',
        'product',
        'product_data',
        'unit_amount',
        'lookup_keys',
        'default_price',
      ),
      fc.string({ maxLength: 8 }),
    );
    const suffix = fc.array(
      fc.oneof(
        fc.constant('[]'),
        fc.nat(3).map((n) => `[${n}]`),
        fc.string({ maxLength: 5 }).map((s) => `[${s}]`),
        fc.constantFrom('[', ']', ']['),
      ),
      { maxLength: 3 },
    );
    const pair = fc
      .tuple(
        key,
        suffix,
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom(
            '',
            'true',
            '-1',
            '99999999999999',
            '2000',
            'eur',
            'zzz',
            '%',
            '%zz',
            '*',
            'price_x',
          ),
        ),
      )
      .map(([k, s, v]) => `${encodeURIComponent(k)}${s.join('')}=${v}`);
    const body = fc.oneof(
      fc.array(pair, { maxLength: 8 }).map((p) => p.join('&')),
      fc.string({ maxLength: 60 }),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        body,
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', ''),
        async ([method, path], text, type) => {
          const init: RequestInit =
            method === 'POST'
              ? { method, headers: type ? { ...auth, 'content-type': type } : auth, body: text }
              : { method, headers: auth };
          const url = method === 'POST' ? path : `${path}?${text.replace(/[#\s]/g, '')}`;
          const res = await app.request(url, init);
          expect(res.status, `${method} ${url} ${text}`).toBeLessThan(500);
          if (res.status >= 400) expect((await res.json()).error).toBeTypeOf('object');
        },
      ),
      { numRuns: 400 },
    );
  });
});
