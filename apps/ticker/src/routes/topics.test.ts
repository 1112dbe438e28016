import { discover } from '@hooklab/webhooks';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { testContext } from '../test-support.ts';

describe('GET /topics/:symbol', () => {
  it('serves JSON with the hub and its own URL in Link headers, and the last changes', async () => {
    const ctx = testContext();
    const app = createApp(ctx);
    ctx.market.move('ACME');
    const res = await app.request('/topics/ACME');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('link')).toBe(
      '<http://hub.test/>; rel="hub", <http://ticker.test/topics/ACME>; rel="self"',
    );
    expect(await res.json()).toMatchObject({
      symbol: 'ACME',
      seq: 2,
      topic: 'http://ticker.test/topics/ACME',
      recent: [{ seq: 1 }, { seq: 2 }],
    });
  });

  it('is discoverable by the WebSub subscriber, from the topic and from the symbol’s HTML page', async () => {
    const app = createApp(testContext());
    const fetch = async (url: string | URL | Request) =>
      app.request(String(url).replace('http://ticker.test', ''));
    expect(await discover('http://ticker.test/topics/GLOBEX', { fetch })).toEqual({
      topic: 'http://ticker.test/topics/GLOBEX',
      hubs: ['http://hub.test/'],
      source: 'link-header',
      selfAdvertised: true,
    });
    expect(await discover('http://ticker.test/symbols/GLOBEX', { fetch })).toEqual({
      topic: 'http://ticker.test/topics/GLOBEX',
      hubs: ['http://hub.test/'],
      source: 'document',
      selfAdvertised: true,
    });
  });

  it('answers an unknown topic with a problem+json 404', async () => {
    const res = await createApp(testContext()).request('/topics/NOPE', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
