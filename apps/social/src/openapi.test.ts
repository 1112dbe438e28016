import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { socialApiDocs, socialRouteDocs } from './http/openapi.ts';
import { appAuth, json, startReceiver, testContext, userAuth } from './test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
const isPage = (_m: string, path: string) =>
  path === '/' || path === '/compose' || path === '/timeline/stream';
const schemaOf = (method: string, path: string, status: number) =>
  socialRouteDocs.find((r) => r.method === method && r.path === path)!.responses[status]!.schema!;

describe('the social API docs', () => {
  it('are OpenAPI 3.1 and document every API route', () => {
    const ctx = testContext();
    cleanups.push(() => ctx.close());
    const docs = socialApiDocs();
    expect(openApiProblems(docs.document())).toEqual([]);
    expect(undocumentedRoutes(createApp(ctx), docs, { ignore: isPage })).toEqual([]);
  });

  it('describe the answers as they really are', async () => {
    const ctx = testContext();
    const r = await startReceiver();
    cleanups.push(() => ctx.close(), r.close);
    const app = createApp(ctx);
    const check = async (method: string, path: string, res: Response, url = path) => {
      const body = await res.json();
      const parsed = schemaOf(method, path, res.status).safeParse(body);
      expect(parsed.error, `${method} ${url} → ${res.status}`).toBeUndefined();
      return body;
    };
    const hook = await check('POST', '/2/webhooks', await app.request('/2/webhooks', json({ url: r.url })));
    await check('GET', '/2/webhooks', await app.request('/2/webhooks', { headers: appAuth }));
    const id = hook.data.id as string;
    await check(
      'GET',
      '/2/webhooks/:webhook_id',
      await app.request(`/2/webhooks/${id}`, { headers: appAuth }),
    );
    await check(
      'PUT',
      '/2/webhooks/:webhook_id',
      await app.request(`/2/webhooks/${id}`, { method: 'PUT', headers: appAuth }),
    );
    const rules = '/2/tweets/search/stream/rules';
    const added = await check(
      'POST',
      rules,
      await app.request(rules, json({ add: [{ value: '#dresses', tag: 't' }] })),
    );
    await check('POST', rules, await app.request(rules, json({ add: ['x'] })));
    await check('GET', rules, await app.request(rules, { headers: appAuth }));
    await check(
      'POST',
      '/2/tweets',
      await app.request('/2/tweets', json({ text: 'new #dresses' }, userAuth)),
    );
    const search = '/2/tweets/search/recent';
    await check('GET', search, await app.request(`${search}?query=%23dresses`, { headers: appAuth }));
    await check('GET', search, await app.request(`${search}?query=%23none`, { headers: appAuth }));
    await check('POST', rules, await app.request(rules, json({ delete: { ids: [added.data[0].id, '1'] } })));
    await check(
      'DELETE',
      '/2/webhooks/:webhook_id',
      await app.request(`/2/webhooks/${id}`, { method: 'DELETE', headers: appAuth }),
    );
    await check(
      'GET',
      '/2/webhooks/:webhook_id',
      await app.request(`/2/webhooks/${id}`, { headers: appAuth }),
    );
  });

  it('are served at /openapi.json and /docs without a token', async () => {
    const ctx = testContext();
    cleanups.push(() => ctx.close());
    const app = createApp(ctx);
    expect(((await (await app.request('/openapi.json')).json()) as { openapi: string }).openapi).toBe(
      '3.1.0',
    );
    expect(await (await app.request('/docs')).text()).toContain('/2/webhooks/{webhook_id}');
  });
});
