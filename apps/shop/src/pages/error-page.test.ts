import { describe, expect, it } from 'vitest';
import { testShop } from '../test-support.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const API = { accept: 'application/json' };

describe('shop error pages: HTML for browsers, problem+json for API clients', () => {
  it('answers an unknown dress, order or page with the shop-styled page, and JSON clients with problem+json', async () => {
    const shop = testShop();
    try {
      for (const path of ['/dresses/no-such-dress', '/orders/ord_doesnotexist00000000000', '/nowhere']) {
        const page = await shop.app.request(path, { headers: BROWSER });
        expect(page.status, path).toBe(404);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        const html = await page.text();
        expect(html).toContain('Atelier'); // the shop's own layout
        expect(html).toContain('href="/"');
        expect(html).not.toContain('"code"');
        const json = await shop.app.request(path, { headers: API });
        expect(json.status, path).toBe(404);
        expect(json.headers.get('content-type')).toBe('application/problem+json');
      }
      const dress = await (await shop.app.request('/dresses/no-such-dress', { headers: BROWSER })).text();
      expect(dress).toContain('We have no dress at this address.');
    } finally {
      shop.close();
    }
  });

  it('shows a refused form as a page, and keeps problem+json on /api whatever Accept says', async () => {
    const shop = testShop();
    try {
      const form = await shop.app.request('/cart/items', {
        method: 'POST',
        headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'product_id=prod_nope&quantity=99',
      });
      expect(form.status).toBe(400);
      expect(form.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await form.text()).toContain('Unknown dress or quantity');
      const api = await shop.app.request('/api/orders/ord_doesnotexist00000000000', { headers: BROWSER });
      expect(api.status).toBeGreaterThanOrEqual(400);
      expect(api.status).toBeLessThan(500);
      expect(api.headers.get('content-type')).toBe('application/problem+json');
    } finally {
      shop.close();
    }
  });
});
