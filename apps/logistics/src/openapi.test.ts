import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { afterEach, describe, expect, it } from 'vitest';
import { logisticsApiDocs, logisticsRouteDocs } from './http/openapi.ts';
import { auth, createTestLogistics, order } from './test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

// The dev-mode dashboard is an HTML page.
const isPage = (_method: string, path: string) => path === '/dashboard' || path.startsWith('/dashboard/');

describe('the logistics API docs', () => {
  it('are OpenAPI 3.1 and document every route, the webhook intake and blob downloads included', () => {
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    const docs = logisticsApiDocs({ localBlobs: t.blobs.kind === 'local' });
    const doc = docs.document();
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
    expect(undocumentedRoutes(t.app, docs, { ignore: isPage })).toEqual([]);
    const intake = doc.paths['/v1/inbound/orders']?.post;
    expect(intake?.parameters?.map((p) => p.name)).toEqual([
      'x-merchant-id',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(doc.paths['/blobs/{key}']?.head).toBeDefined();
  });

  it('describe what a shipment really looks like', async () => {
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    const res = await t.app.request('/v1/shipments', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(order()),
    });
    expect(res.status).toBe(202);
    const create = logisticsRouteDocs.find((r) => r.method === 'POST' && r.path === '/v1/shipments')!;
    expect(create.responses[202]!.schema!.safeParse(await res.json()).error).toBeUndefined();
  });

  it('are served at /openapi.json and /docs without an API key', async () => {
    const t = createTestLogistics();
    cleanups.push(() => t.close());
    const json = await t.app.request('/openapi.json');
    expect(json.status).toBe(200);
    expect(((await json.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const page = await t.app.request('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<code>/v1/shipments/{id}/result</code>');
  });
});
