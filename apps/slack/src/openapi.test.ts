import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { afterEach, describe, expect, it } from 'vitest';
import { slackApiDocs, slackRouteDocs } from './http/openapi.ts';
import { admin, createTestSlack, type TestSlack } from './test-support.ts';

const running: TestSlack[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

// The chat client (dev mode): its pages and the JSON they call are not a public API.
const isPage = (_method: string, path: string) =>
  path === '/' || path === '/settings' || path.startsWith('/ui/');

describe('the slack API docs', () => {
  it('are OpenAPI 3.1 and document every route', () => {
    const s = createTestSlack();
    running.push(s);
    const docs = slackApiDocs();
    const doc = docs.document();
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
    expect(undocumentedRoutes(s.app, docs, { ignore: isPage })).toEqual([]);
    expect(doc.paths['/api/{method}']?.post?.description).toContain('form body');
    expect(doc.components.securitySchemes).toHaveProperty('adminKey');
  });

  it('describe what an app really looks like', async () => {
    const s = createTestSlack();
    running.push(s);
    const res = await s.app.request(`/admin/apps/${s.ids.appId}`, admin('GET'));
    const get = slackRouteDocs.find((r) => r.method === 'GET' && r.path === '/admin/apps/:id')!;
    expect(get.responses[200]!.schema!.safeParse(await res.json()).error).toBeUndefined();
  });

  it('are served at /openapi.json and /docs without a key', async () => {
    const s = createTestSlack();
    running.push(s);
    expect((await s.app.request('/openapi.json')).status).toBe(200);
    const page = await s.app.request('/docs');
    expect(await page.text()).toContain('/admin/apps/{id}');
  });
});
