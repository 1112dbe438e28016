import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, createServiceApp, type ErrorRenderer } from './index.ts';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function demo(extra: Parameters<typeof createServiceApp>[0] = { name: 'demo' }) {
  const app = createServiceApp({ logger: undefined, ...extra });
  app.get('/orders/:id', (c) => {
    throw new ApiError({ status: 404, code: 'not_found', message: `Order ${c.req.param('id')} not found` });
  });
  app.post('/form', async (c) => {
    z.object({ email: z.email(), quantity: z.coerce.number().int().min(1) }).parse(await c.req.parseBody());
    return c.text('ok');
  });
  app.get('/boom', () => {
    throw new Error('db password is hunter2 at Object.<anonymous> (/srv/app.ts:1:1)');
  });
  app.get('/v1/thing', () => {
    throw new ApiError({ status: 400, code: 'bad', message: 'Bad thing' });
  });
  return app;
}

describe('error pages by content negotiation', () => {
  it('gives a browser a small HTML page with the status, a human message and a link home', async () => {
    const res = await demo().request('/nowhere', { headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await res.text();
    expect(page).toContain('<h1>Page not found</h1>');
    expect(page).toContain('There is no page at /nowhere.');
    expect(page).toContain('href="/"');
    expect(page).toMatch(/Request id <code>req_/);
  });

  it('keeps problem+json for API clients (JSON preferred, */* or no Accept at all)', async () => {
    for (const accept of ['application/json', '*/*', 'application/json, text/html', undefined]) {
      const res = await demo().request('/orders/ord_1', { headers: accept ? { accept } : {} });
      expect(res.status, String(accept)).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({
        status: 404,
        code: 'not_found',
        title: 'Order ord_1 not found',
      });
    }
  });

  it('shows validation problems as a list, escapes what came from the request, never a stack trace', async () => {
    const app = demo();
    const invalid = await app.request('/form', {
      method: 'POST',
      headers: { accept: BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=nope&quantity=0',
    });
    expect(invalid.status).toBe(400);
    const page = await invalid.text();
    expect(page).toContain('<strong>email</strong>');
    expect(page).toContain('<strong>quantity</strong>');
    const xss = await app.request('/orders/%3Cscript%3Ealert(1)%3C%2Fscript%3E', {
      headers: { accept: BROWSER },
    });
    const escaped = await xss.text();
    expect(escaped).not.toContain('<script>');
    expect(escaped).toContain('&lt;script&gt;');
    const boom = await app.request('/boom', { headers: { accept: BROWSER } });
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).toContain('Something went wrong');
    expect(text).not.toMatch(/hunter2|anonymous|app\.ts/);
  });

  it('lets an app keep its wire format under API prefixes and bring its own page', async () => {
    const wire: ErrorRenderer = (_c, e) =>
      Response.json({ error: { message: e.message } }, { status: e.status });
    const app = demo({
      name: 'payments',
      renderError: wire,
      apiPrefixes: ['/v1/'],
      renderErrorPage: (c, e) => c.html(`<p>custom ${e.status}</p>`, e.status),
    });
    const api = await app.request('/v1/thing', { headers: { accept: BROWSER } });
    expect(await api.json()).toEqual({ error: { message: 'Bad thing' } });
    const page = await app.request('/orders/x', { headers: { accept: BROWSER } });
    expect(await page.text()).toBe('<p>custom 404</p>');
    const json = await app.request('/orders/x', { headers: { accept: 'application/json' } });
    expect(await json.json()).toEqual({ error: { message: 'Order x not found' } });
  });
});
