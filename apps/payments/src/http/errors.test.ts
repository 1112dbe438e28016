import { serve } from '@hooklab/service';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createTestContext } from '../test-support.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('payments errors: Stripe JSON on /v1, HTML pages for browsers elsewhere', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let stripe: Stripe;
  let close: () => void;

  beforeAll(async () => {
    const ctx = createTestContext();
    close = () => ctx.sqlite.close();
    const app = createApp(ctx);
    server = await serve({ app, port: 0 });
    stripe = new Stripe('sk_test_hooklab', {
      host: '127.0.0.1',
      port: server.port,
      protocol: 'http',
      telemetry: false,
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await server.close();
    close();
  });

  it('answers an unknown /v1 route in Stripe’s shape, without sending anyone to Stripe’s support', async () => {
    const err = await stripe.rawRequest('GET', '/v1/customers_nope', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const message = (err as Stripe.errors.StripeError).message;
    expect(message).toContain('Unrecognized request URL (GET: /v1/customers_nope)');
    expect(message).not.toMatch(/support\.stripe\.com|we can help/);
    // A browser on the API still gets Stripe's JSON, as from api.stripe.com.
    const res = await fetch(`${server.url}/v1/customers_nope`, { headers: BROWSER });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect((await res.json()).error.type).toBe('invalid_request_error');
  });

  it('gives a browser an HTML page off /v1 (unknown page, a form too large), API clients JSON', async () => {
    const page = await fetch(`${server.url}/nowhere`, { headers: BROWSER });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('There is no page at /nowhere.');
    expect(html).not.toContain('stripe.com');
    const big = await fetch(`${server.url}/pay/cs_test_x`, {
      method: 'POST',
      headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
      body: `card=${'4'.repeat(70_000)}`,
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^text\/html/);
    const json = await fetch(`${server.url}/nowhere`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect((await json.json()).error.message).toContain('Unrecognized request URL (GET: /nowhere)');
  });
});
