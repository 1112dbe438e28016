import { describe, expect, it } from 'vitest';
import { createServiceApp } from './app.ts';
import { ApiError } from './errors.ts';
import { rateLimit } from './rate-limit.ts';

function appWith(limit: number) {
  const app = createServiceApp({ name: 'limited', apiPrefixes: ['/v1/'] });
  app.use(
    '/v1/*',
    rateLimit({
      limit,
      windowMs: 60_000,
      keyOf: (c) => c.req.header('authorization'),
      error: () => new ApiError({ status: 429, code: 'rate_limited', message: 'slow down' }),
    }),
  );
  app.get('/v1/thing', (c) => c.json({ ok: true }));
  return app;
}

const get = (app: ReturnType<typeof appWith>, key?: string) =>
  app.request('/v1/thing', { headers: key ? { authorization: key } : {} });

describe('rateLimit', () => {
  it('answers 429 in the app’s own format with Retry-After in whole seconds once a key spends its window', async () => {
    const app = appWith(3);
    for (let i = 0; i < 3; i++) expect((await get(app, 'Bearer a')).status).toBe(200);
    const limited = await get(app, 'Bearer a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(await limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('counts each key on its own and leaves requests without a key alone', async () => {
    const app = appWith(1);
    expect((await get(app, 'Bearer a')).status).toBe(200);
    expect((await get(app, 'Bearer a')).status).toBe(429);
    expect((await get(app, 'Bearer b')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await get(app)).status).toBe(200);
  });

  it('gives each request of a simultaneous burst its own count (only the ones over the limit are refused)', async () => {
    const app = appWith(3);
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => (await get(app, 'Bearer a')).status),
    );
    expect(statuses.sort()).toEqual([200, 200, 200, 429, 429]);
  });

  it('is off with a limit of 0', async () => {
    const app = appWith(0);
    for (let i = 0; i < 5; i++) expect((await get(app, 'Bearer a')).status).toBe(200);
  });
});
