import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShopDatabase } from '../db/index.ts';
import { json, listen } from '../test-support.ts';
import { createStripeClient } from './stripe.ts';
import { ensureWebhookEndpoint } from './stripe-endpoint.ts';

describe('webhook endpoint registration', () => {
  const endpoints = new Map<string, { id: string; url: string; enabled_events: string[]; status: string }>();
  let n = 0;
  let fake: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    // Just enough of payments' endpoint API: list, create (secret only here), delete.
    fake = await listen((req, body, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/v1/webhook_endpoints') {
        return json(res, 200, {
          object: 'list',
          url: '/v1/webhook_endpoints',
          has_more: false,
          data: [...endpoints.values()].map((e) => ({ object: 'webhook_endpoint', ...e })),
        });
      }
      if (req.method === 'POST' && path === '/v1/webhook_endpoints') {
        const form = new URLSearchParams(body);
        const e = {
          id: `we_${++n}`,
          url: form.get('url')!,
          enabled_events: form
            .getAll('enabled_events[]')
            .concat([...form.keys()].filter((k) => k.startsWith('enabled_events[')).map((k) => form.get(k)!)),
          status: 'enabled',
        };
        endpoints.set(e.id, e);
        return json(res, 200, { object: 'webhook_endpoint', ...e, secret: `whsec_secret_${e.id}` });
      }
      if (req.method === 'DELETE' && path?.startsWith('/v1/webhook_endpoints/')) {
        const id = path.split('/').pop()!;
        endpoints.delete(id);
        return json(res, 200, { id, object: 'webhook_endpoint', deleted: true });
      }
      json(res, 404, { error: { type: 'invalid_request_error', message: 'no' } });
    });
  });
  afterAll(() => fake.close());

  it('creates once, reuses while we hold the secret, and replaces an endpoint whose secret we lost', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_hooklab', paymentsUrl: fake.url });
    const url = 'http://127.0.0.1:3001/webhooks/stripe';
    const first = openShopDatabase(':memory:');
    const a = await ensureWebhookEndpoint({ stripe, db: first.db, url });
    expect(a).toMatchObject({ created: true, secret: `whsec_secret_${a.id}` });
    const b = await ensureWebhookEndpoint({ stripe, db: first.db, url });
    expect(b).toEqual({ id: a.id, url, secret: a.secret, created: false });
    expect(endpoints.size).toBe(1);
    first.close();
    // A fresh database (the shop lost its data): the old endpoint is useless to us, so it is replaced.
    const second = openShopDatabase(':memory:');
    const c = await ensureWebhookEndpoint({ stripe, db: second.db, url });
    expect(c.created).toBe(true);
    expect(c.id).not.toBe(a.id);
    expect([...endpoints.keys()]).toEqual([c.id]);
    second.close();
  });
});
