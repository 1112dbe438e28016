import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, SK, SK_OTHER, startTestServer, type TestServer } from '../test-support.ts';

describe('rate limit per API key, through the official SDK', () => {
  let s: TestServer;
  beforeAll(async () => {
    // A window of one second: 3 requests fit, the 4th in the same second is refused.
    s = await startTestServer({ PAYMENTS_RATE_LIMIT_PER_SECOND: '3' });
  });
  afterAll(() => s.close());

  it('answers 429 with code rate_limit and Retry-After; another key is not affected', async () => {
    const stripe = s.stripe(SK);
    // Four at once land in one window, whatever the clock says between them.
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => stripe.products.list({ limit: 1 })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    const err = (refused[0] as PromiseRejectedResult).reason as Stripe.errors.StripeError;
    expect(err.type).toBe('StripeRateLimitError');
    expect(err.statusCode).toBe(429);
    expect(err.code).toBe('rate_limit');
    expect(Number(err.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    // The other account's key has a bucket of its own.
    expect((await s.stripe(SK_OTHER).products.list({ limit: 1 })).object).toBe('list');
  });

  it('requests with no key are answered by auth (401), never by the limiter', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => (await raw(s.url, '/v1/products', { key: null })).status),
    );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
  });
});
