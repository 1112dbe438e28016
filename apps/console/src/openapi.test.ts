import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { consoleApiDocs } from './http/openapi.ts';
import { testContext } from './test-support.ts';

const TOKEN = 'console-test-token-0123456789';
const auth = { 'x-hooklab-dev-token': TOKEN };

// The console's page and its script are the HTML side.
const isPage = (_method: string, path: string) => path === '/' || path.startsWith('/assets/');

describe('the console API docs', () => {
  it('are OpenAPI 3.1 and document every JSON route', () => {
    const app = createApp(testContext({ env: { HOOKLAB_DEV_TOKEN: TOKEN } }));
    const docs = consoleApiDocs();
    expect(openApiProblems(docs.document())).toEqual([]);
    expect(undocumentedRoutes(app, docs, { ignore: isPage })).toEqual([]);
  });

  it('are served in dev mode only, like the rest of the console', async () => {
    const dev = createApp(testContext({ env: { HOOKLAB_DEV_TOKEN: TOKEN } }));
    const json = await dev.request('/openapi.json', { headers: auth });
    expect(((await json.json()) as { openapi: string }).openapi).toBe('3.1.0');
    expect((await dev.request('/docs', { headers: auth })).headers.get('content-type')).toMatch(
      /^text\/html/,
    );
    const off = createApp(testContext({ env: { HOOKLAB_DEV: '0' } }));
    expect((await off.request('/openapi.json')).status).toBe(404);
    expect((await off.request('/docs')).status).toBe(404);
  });
});
