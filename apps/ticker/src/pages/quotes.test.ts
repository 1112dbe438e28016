import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { testContext } from '../test-support.ts';

describe('pages', () => {
  it('lists every symbol on /', async () => {
    const res = await createApp(testContext()).request('/');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const s of ['ACME', 'GLOBEX', 'INITECH', 'UMBRL', 'HOOLI'])
      expect(html).toContain(`data-symbol="${s}"`);
  });

  it('puts <link rel="hub"> and <link rel="self"> on a symbol’s page', async () => {
    const html = await (await createApp(testContext()).request('/symbols/ACME')).text();
    expect(html).toContain('<link rel="hub" href="http://hub.test/"/>');
    expect(html).toContain('<link rel="self" href="http://ticker.test/topics/ACME"/>');
  });

  it('answers an unknown symbol’s page with an HTML 404 for a browser', async () => {
    const res = await createApp(testContext()).request('/symbols/NOPE', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
