import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { mailboxApiDocs, mailboxRouteDocs } from './http/openapi.ts';
import { asDev, deliver, testContext } from './test-support.ts';

// The inbox pages are HTML for people, documented in the README.
const isPage = (_method: string, path: string) => !path.startsWith('/api/');

describe('the mailbox API docs', () => {
  it('are OpenAPI 3.1 and document every API route', () => {
    const ctx = testContext();
    const docs = mailboxApiDocs(ctx.config.MAILBOX_PAGE_LIMIT);
    const doc = docs.document();
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
    expect(undocumentedRoutes(createApp(ctx), docs, { ignore: isPage })).toEqual([]);
    expect(doc.paths['/api/v1/messages/{id}/raw']?.get).toBeDefined();
  });

  it('describe what the answers really look like', async () => {
    const ctx = testContext();
    const app = asDev(createApp(ctx));
    const id = await deliver(ctx, {
      subject: 'Docs',
      html: '<p>hi</p>',
      attachments: [{ filename: 'a.txt', content: 'a' }],
    });
    const docs = mailboxRouteDocs(ctx.config.MAILBOX_PAGE_LIMIT);
    const schemaOf = (path: string) =>
      docs.find((r) => r.method === 'GET' && r.path === path)!.responses[200]!.schema!;
    for (const [route, url] of [
      ['/api/v1/messages', '/api/v1/messages'],
      ['/api/v1/messages/:id', `/api/v1/messages/${id}`],
      ['/api/v1/info', '/api/v1/info'],
    ] as const) {
      const body = await (await app(url)).json();
      expect(schemaOf(route).safeParse(body).error, route).toBeUndefined();
    }
  });

  it('are served at /openapi.json and /docs', async () => {
    const app = asDev(createApp(testContext()));
    const json = await app('/openapi.json');
    expect(((await json.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const page = await app('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<code>/api/v1/messages/{id}</code>');
  });
});
