import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { testContext } from '../test-support.ts';

describe('GET /quotes/:symbol', () => {
  it('answers the quote with an ETag, 304 to If-None-Match until the price changes', async () => {
    const ctx = testContext();
    const app = createApp(ctx);
    const first = await app.request('/quotes/ACME');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"ACME-1"');
    expect(await first.json()).toMatchObject({ object: 'quote', symbol: 'ACME', price: 120, seq: 1 });

    const same = await app.request('/quotes/ACME', { headers: { 'if-none-match': '"ACME-1"' } });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe('"ACME-1"');
    expect(await same.text()).toBe('');

    const moved = ctx.market.move('ACME');
    const fresh = await app.request('/quotes/ACME', { headers: { 'if-none-match': '"ACME-1"' } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"ACME-2"');
    expect(await fresh.json()).toMatchObject({ price: moved.price, seq: 2 });
  });

  it('answers an unknown symbol with a problem+json 404', async () => {
    const res = await createApp(testContext()).request('/quotes/NOPE');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('GET /quotes', () => {
  it('lists every symbol with an ETag over all of them', async () => {
    const ctx = testContext();
    const app = createApp(ctx);
    const res = await app.request('/quotes');
    const etag = res.headers.get('etag')!;
    expect((await res.json()).data.map((q: { symbol: string }) => q.symbol)).toEqual(
      ctx.config.TICKER_SYMBOLS,
    );
    expect((await app.request('/quotes', { headers: { 'if-none-match': etag } })).status).toBe(304);
    ctx.market.move('HOOLI');
    expect((await app.request('/quotes', { headers: { 'if-none-match': etag } })).status).toBe(200);
  });
});

describe('GET /quotes/:symbol/history', () => {
  it('lists the changes after a sequence number', async () => {
    const ctx = testContext();
    const app = createApp(ctx);
    ctx.market.move('ACME');
    ctx.market.move('ACME');
    const res = await app.request('/quotes/ACME/history?after_seq=1&limit=1');
    expect(await res.json()).toMatchObject({ symbol: 'ACME', data: [{ seq: 2 }], has_more: true });
  });

  it('refuses a bad query with a 400 naming the parameter', async () => {
    const res = await createApp(testContext()).request('/quotes/ACME/history?after_seq=minus');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ param: 'after_seq' });
  });
});
