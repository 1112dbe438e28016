import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { recheckAll } from '../domain/webhooks.ts';
import { appAuth, json, OTHER_BEARER, startReceiver, testContext } from '../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(env: Record<string, string> = {}) {
  const ctx = testContext(env);
  cleanups.push(() => ctx.close());
  return { ctx, app: createApp(ctx) };
}
async function receiver(opts: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(opts);
  cleanups.push(r.close);
  return r;
}

describe('POST /2/webhooks', () => {
  it('runs the CRC at once and answers {data:{id,url,valid:true,created_at}} when it passes', async () => {
    const { app } = await setup();
    const r = await receiver();
    const res = await app.request('/2/webhooks', json({ url: r.url }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      data: {
        id: expect.stringMatching(/^\d{19}$/),
        url: r.url,
        valid: true,
        created_at: expect.any(String),
      },
    });
    expect(r.state.crcCalls).toBe(1);
    const list = await (await app.request('/2/webhooks', { headers: appAuth })).json();
    expect(list).toEqual({ data: [body.data], meta: { result_count: 1 } });
  });

  it.each([
    ['a wrong response_token', 'wrong' as const, /does not match/],
    ['a 500', 'status500' as const, /answered 500/],
  ])(
    'refuses a webhook whose CRC answer is %s with a clear 400, and stores nothing',
    async (_, crc, reason) => {
      const { app } = await setup();
      const r = await receiver({ crc });
      const res = await app.request('/2/webhooks', json({ url: r.url }));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = await res.json();
      expect(body).toMatchObject({
        title: 'CRC Validation Failed',
        status: 400,
        code: 'crc_validation_failed',
      });
      expect(body.detail).toMatch(reason);
      expect(body.errors).toEqual([{ parameters: { url: [r.url] }, message: body.detail }]);
      expect(await (await app.request('/2/webhooks', { headers: appAuth })).json()).toEqual({
        data: [],
        meta: { result_count: 0 },
      });
    },
  );

  it('refuses a URL nobody answers, in X error style', async () => {
    const { app } = await setup();
    const res = await app.request('/2/webhooks', json({ url: 'http://127.0.0.1:9/nothing' }));
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/could not connect/);
  });

  it('refuses an internal address outside dev mode (SSRF guard)', async () => {
    const { app } = await setup({ HOOKLAB_DEV: '0' });
    const r = await receiver();
    const res = await app.request('/2/webhooks', json({ url: r.url }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'invalid_request',
      detail: expect.stringMatching(/may not be used/),
    });
    expect(r.state.crcCalls).toBe(0);
  });

  it.each([
    [{}, /url must be a string/],
    [{ url: 42 }, /url must be a string/],
    [{ url: 'not a url' }, /not a valid absolute URL/],
    [{ url: 'ftp://example.com/x' }, /http or https/],
    [{ url: 'https://u:p@example.com/x' }, /credentials/],
    [{ url: 'https://example.com/x', extra: 1 }, /field \[extra\]/],
  ])('refuses %j with a 400 naming the problem', async (body, detail) => {
    const { app } = await setup();
    const res = await app.request('/2/webhooks', json(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      title: 'Invalid Request',
      status: 400,
      detail: expect.stringMatching(detail),
    });
  });

  it('refuses a mailto:, queue: or topic: URL with a 400 saying why (the CRC check is a GET)', async () => {
    const { app } = await setup();
    for (const url of ['mailto:ops@atelier.test', 'queue:orders', 'topic:orders/eu']) {
      const res = await app.request('/2/webhooks', json({ url }));
      expect(res.status, url).toBe(400);
      expect(await res.json()).toMatchObject({
        title: 'Invalid Request',
        code: 'invalid_request',
        detail: expect.stringMatching(
          /^url must be http or https: mailto:, queue: and topic: targets are not possible here: X proves the URL with a CRC GET/,
        ),
      });
    }
  });

  it('refuses a body that is not JSON, and a missing or wrong bearer token', async () => {
    const { app } = await setup();
    const notJson = await app.request('/2/webhooks', {
      method: 'POST',
      headers: { ...appAuth, 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).detail).toMatch(/not valid JSON/);
    const none = await app.request('/2/webhooks');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ title: 'Unauthorized', type: 'about:blank', status: 401 });
    const wrong = await app.request('/2/webhooks', { headers: { authorization: 'Bearer nope-nope-nope' } });
    expect(wrong.status).toBe(401);
  });

  it('makes two identical registrations at once into one webhook, and a later one a duplicate', async () => {
    const { app } = await setup();
    const r = await receiver();
    const [a, b] = await Promise.all([
      app.request('/2/webhooks', json({ url: r.url })),
      app.request('/2/webhooks', json({ url: r.url })),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await a.json()).data.id).toBe((await b.json()).data.id);
    expect(r.state.crcCalls).toBe(1);
    const again = await app.request('/2/webhooks', json({ url: r.url }));
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: 'duplicate_url' });
    expect((await (await app.request('/2/webhooks', { headers: appAuth })).json()).meta.result_count).toBe(1);
  });

  it('keeps apps apart: another app neither lists nor reaches the webhook', async () => {
    const { app } = await setup();
    const r = await receiver();
    const { data } = await (await app.request('/2/webhooks', json({ url: r.url }))).json();
    const other = { authorization: `Bearer ${OTHER_BEARER}` };
    expect((await (await app.request('/2/webhooks', { headers: other })).json()).data).toEqual([]);
    expect((await app.request(`/2/webhooks/${data.id}`, { method: 'DELETE', headers: other })).status).toBe(
      404,
    );
  });
});

describe('PUT /2/webhooks/:id and the periodic re-check', () => {
  it('marks a webhook whose CRC now fails valid:false, and valid:true again once it passes', async () => {
    const { app, ctx } = await setup();
    const r = await receiver();
    const { data } = await (await app.request('/2/webhooks', json({ url: r.url }))).json();
    r.state.crc = 'wrong';
    expect(await recheckAll(ctx)).toEqual({ passed: 0, failed: 1 });
    expect(
      (await (await app.request(`/2/webhooks/${data.id}`, { headers: appAuth })).json()).data.valid,
    ).toBe(false);

    const failing = await app.request(`/2/webhooks/${data.id}`, { method: 'PUT', headers: appAuth });
    expect(failing.status).toBe(400);
    expect(await failing.json()).toMatchObject({
      code: 'crc_validation_failed',
      detail: expect.stringMatching(/valid:false/),
    });

    r.state.crc = 'right';
    const ok = await app.request(`/2/webhooks/${data.id}`, { method: 'PUT', headers: appAuth });
    expect(ok.status).toBe(200);
    expect((await ok.json()).data).toMatchObject({ id: data.id, valid: true, attempted: true });
  });

  it('answers 404 for an unknown id and 400 for one that is not an id; DELETE removes it', async () => {
    const { app } = await setup();
    const r = await receiver();
    const { data } = await (await app.request('/2/webhooks', json({ url: r.url }))).json();
    const missing = await app.request('/2/webhooks/1234', { method: 'PUT', headers: appAuth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ title: 'Not Found Error', code: 'not_found' });
    expect((await app.request('/2/webhooks/abc', { headers: appAuth })).status).toBe(400);
    const del = await app.request(`/2/webhooks/${data.id}`, { method: 'DELETE', headers: appAuth });
    expect(await del.json()).toEqual({ data: { deleted: true } });
    expect((await app.request(`/2/webhooks/${data.id}`, { headers: appAuth })).status).toBe(404);
  });
});

describe('request size', () => {
  it('refuses a body over 64 KiB with a 413 in X error style', async () => {
    const { app } = await setup();
    const res = await app.request(
      '/2/webhooks',
      json({ url: `https://example.com/${'x'.repeat(70 * 1024)}` }),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      title: 'Payload Too Large',
    });
  });
});
