import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { hubApiDocs } from './http/openapi.ts';
import { testContext } from './test-support.ts';

describe('the hub API docs', () => {
  it('are OpenAPI 3.1 and document every route, the WebSub endpoint included', () => {
    const docs = hubApiDocs();
    const doc = docs.document();
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
    expect(undocumentedRoutes(createApp(testContext()), docs)).toEqual([]);
    expect(doc.paths['/']?.post).toBeDefined();
  });

  it('are served at /openapi.json and /docs', async () => {
    const app = createApp(testContext());
    const json = await app.request('/openapi.json');
    expect(((await json.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const page = await app.request('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<code>/v1/subscriptions</code>');
  });
});
