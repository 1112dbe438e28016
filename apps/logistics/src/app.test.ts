import { describe, expect, it } from 'vitest';
import { createTestLogistics, DEV_KEY, OTHER_KEY } from './test-support.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('logistics error pages', () => {
  it('gives a browser an HTML page off the API, problem+json to JSON clients and on /v1 always', async () => {
    const l = createTestLogistics();
    try {
      const page = await l.app.request('/nowhere', { headers: BROWSER });
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('There is no page at /nowhere.');
      const json = await l.app.request('/nowhere', { headers: { accept: 'application/json' } });
      expect(json.headers.get('content-type')).toBe('application/problem+json');
      const api = await l.app.request('/v1/shipments/shp_nope', {
        headers: { ...BROWSER, authorization: `Bearer ${DEV_KEY}` },
      });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await l.close();
    }
  });
});

describe('logistics rate limit', () => {
  it('answers 429 problem+json with Retry-After once a key spends its second; other keys go on', async () => {
    const l = createTestLogistics({ env: { LOGISTICS_RATE_LIMIT_PER_SECOND: '2' } });
    try {
      const get = (key: string) =>
        l.app.request('/v1/shipments/shp_nope', { headers: { authorization: `Bearer ${key}` } });
      const statuses = await Promise.all([get(DEV_KEY), get(DEV_KEY), get(DEV_KEY)]);
      const limited = statuses.find((r) => r.status === 429);
      expect(statuses.map((r) => r.status).sort()).toEqual([404, 404, 429]);
      expect(limited?.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited?.json()).toMatchObject({ status: 429, code: 'rate_limited' });
      expect((await get(OTHER_KEY)).status).toBe(404);
    } finally {
      await l.close();
    }
  });
});
