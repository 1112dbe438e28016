import { createManualClock } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, createTestLogistics, json, OTHER_KEY, startReceiver } from '../test-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const request = { origin_postal_code: '75001', destination_postal_code: '69002', weight_grams: 1800 };

describe('POST /v1/quotes (S05)', () => {
  it('answers 202 at once; the status URL says pending, then 303 to the result', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 29, 10));
    const t = createTestLogistics({ clock, env: { LOGISTICS_QUOTE_MS: '3000' } });
    cleanups.push(() => t.close());
    const res = await t.app.request('/v1/quotes', json(request));
    expect(res.status).toBe(202);
    const { id } = await res.json();
    expect(res.headers.get('location')).toBe(`/v1/quotes/${id}`);
    expect(res.headers.get('retry-after')).toBe('3');
    const pending = await t.app.request(`/v1/quotes/${id}`, { headers: auth() });
    expect(pending.status).toBe(200);
    expect(await pending.json()).toMatchObject({
      status: 'pending',
      estimated_completion_at: '2026-11-29T10:00:03.000Z',
    });
    expect((await t.app.request(`/v1/quotes/${id}/result`, { headers: auth() })).status).toBe(409);
    clock.advance(3000);
    await t.jobs.runDue();
    const done = await t.app.request(`/v1/quotes/${id}`, { headers: auth() });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/v1/quotes/${id}/result`);
    const result = await (await t.app.request(`/v1/quotes/${id}/result`, { headers: auth() })).json();
    expect(result).toEqual({
      quote_id: id,
      amount_cents: expect.any(Number),
      currency: 'EUR',
      carrier: 'colissimo',
      service: 'expert',
      expires_at: '2026-11-30T10:00:03.000Z',
    });
    expect((await t.app.request(`/v1/quotes/${id}`, { headers: auth(OTHER_KEY) })).status).toBe(404);
  });

  it('delivers quote.completed to the callback_url with the same result the status URL gives', async () => {
    const r = await startReceiver();
    cleanups.push(() => r.close());
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    await t.startWorkers();
    const { id } = await (
      await t.app.request('/v1/quotes', json({ ...request, callback_url: `${r.url}/quotes` }))
    ).json();
    const [event] = await r.nextEvents(1);
    expect(event!.type).toBe('quote.completed');
    const polled = await (await t.app.request(`/v1/quotes/${id}/result`, { headers: auth() })).json();
    expect(event!.data).toEqual(polled);
  });

  it('refuses bad input and internal callback URLs', async () => {
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    for (const body of [
      { ...request, weight_grams: 0 },
      { ...request, weight_grams: '1kg' },
      { origin_postal_code: '75001' },
      { ...request, callback_url: 'http://10.0.0.1/q' },
      { ...request, destination_country: 'ZZ' },
      { ...request, destination_country: 'de' },
    ]) {
      expect((await t.app.request('/v1/quotes', json(body))).status, JSON.stringify(body)).toBe(400);
    }
    const zz = await (
      await t.app.request('/v1/quotes', json({ ...request, destination_country: 'ZZ' }))
    ).json();
    expect(zz).toMatchObject({ code: 'validation_failed', issues: [{ path: 'destination_country' }] });
    const plain = await t.app.request('/v1/quotes', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'text/plain' },
      body: JSON.stringify(request),
    });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ code: 'unsupported_media_type' });
    expect((t.sqlite.prepare('SELECT count(*) AS n FROM quotes').get() as { n: number }).n).toBe(0);
  });
});
