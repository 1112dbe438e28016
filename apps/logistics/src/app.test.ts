import { describe, expect, it } from 'vitest';
import { createTestLogistics, DEV_KEY } from './test-support.ts';

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
