import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, testShop } from '../test-support.ts';

const post = (body: unknown, headers: Record<string, string> = ADMIN) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('/v1/webhook_endpoints', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('registers an endpoint with the back-office key and shows its secret once', async () => {
    shop = testShop();
    const res = await shop.app.request(
      '/v1/webhook_endpoints',
      post({ url: 'http://127.0.0.1:3005/webhooks/shop', enabled_events: ['order.paid', 'order.refunded'] }),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; secret: string };
    expect(created).toMatchObject({
      id: expect.stringMatching(/^we_/),
      object: 'webhook_endpoint',
      enabled_events: ['order.paid', 'order.refunded'],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]+$/),
    });
    expect(res.headers.get('location')).toBe(`/v1/webhook_endpoints/${created.id}`);
    const listed = (await (await shop.app.request('/v1/webhook_endpoints', { headers: ADMIN })).json()) as {
      data: Record<string, unknown>[];
    };
    expect(listed.data.map((e) => e.id)).toEqual([created.id]);
    expect(listed.data[0]).not.toHaveProperty('secret');
    const one = await shop.app.request(`/v1/webhook_endpoints/${created.id}`, { headers: ADMIN });
    expect(await one.json()).not.toHaveProperty('secret');
    const gone = await shop.app.request(`/v1/webhook_endpoints/${created.id}`, {
      method: 'DELETE',
      headers: ADMIN,
    });
    expect(await gone.json()).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect((await shop.app.request(`/v1/webhook_endpoints/${created.id}`, { headers: ADMIN })).status).toBe(
      404,
    );
  });

  it('refuses without the back-office key (401 problem+json)', async () => {
    shop = testShop();
    const res = await shop.app.request(
      '/v1/webhook_endpoints',
      post({ url: 'https://x.example/h', enabled_events: ['*'] }, {}),
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const wrong = await shop.app.request('/v1/webhook_endpoints', {
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('refuses a private address outside dev mode (SSRF guard from the config)', async () => {
    shop = testShop({ env: { HOOKLAB_DEV: '0', SHOP_ADMIN_KEY: 'shop_admin_key_for_tests' } });
    const res = await shop.app.request(
      '/v1/webhook_endpoints',
      post(
        { url: 'http://127.0.0.1:3005/webhooks/shop', enabled_events: ['*'] },
        { authorization: 'Bearer shop_admin_key_for_tests' },
      ),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'url_not_allowed', param: 'url' });
  });

  it('names each bad field: unknown event types, a URL that is not http(s)', async () => {
    shop = testShop();
    const res = await shop.app.request(
      '/v1/webhook_endpoints',
      post({ url: 'ftp://x.example/h', enabled_events: ['order.teleported'] }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: unknown }[] };
    expect(body.issues.map((i) => String(i.path).split('.')[0]).sort()).toEqual(['enabled_events', 'url']);
  });
});
