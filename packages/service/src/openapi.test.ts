import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiDocs, openApiPath, openApiProblems, undocumentedRoutes } from './openapi.ts';

const address = z.object({ line1: z.string(), country: z.string().length(2) }).meta({ id: 'Address' });
const createThing = z.object({
  name: z.string().min(1).describe('What to call it.'),
  count: z.coerce.number().int().default(1),
  ship_to: address,
});
const thing = z.object({ id: z.string(), name: z.string(), created: z.date() });
const problem = z.object({ type: z.string(), title: z.string(), status: z.number() });

function docsWithThings() {
  return createApiDocs({
    title: 'Things',
    version: '1.0.0',
    description: 'Things and `more` things.',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
  }).add(
    {
      method: 'POST',
      path: '/v1/things',
      summary: 'Create a thing',
      tags: ['Things'],
      security: [{ bearerAuth: [] }],
      body: { schema: createThing },
      responses: {
        201: { description: 'Created.', schema: thing },
        400: { description: 'Bad.', schema: problem },
      },
    },
    {
      method: 'GET',
      path: '/v1/things/:id',
      summary: 'Get a thing',
      tags: ['Things'],
      params: z.object({ id: z.string().describe('The thing id.') }),
      query: z.object({ expand: z.enum(['owner']).optional() }),
      responses: { 200: { description: 'The thing.', schema: thing } },
    },
    {
      method: 'POST',
      path: '/webhooks/things',
      summary: 'Receive a thing event',
      headers: z.object({ 'webhook-signature': z.string() }),
      body: { schema: z.object({ type: z.string() }) },
      responses: { 204: { description: 'Accepted.' } },
    },
  );
}

describe('createApiDocs', () => {
  it('documents routes as OpenAPI 3.1 with zod 4 JSON Schemas', () => {
    const doc = docsWithThings().document();
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
    const create = doc.paths['/v1/things']!.post!;
    const body = create.requestBody!.content['application/json']!.schema as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    // The request side is the input: `count` has a default, so it is optional.
    expect(body.required).toEqual(['name', 'ship_to']);
    expect(body.properties.name).toMatchObject({
      type: 'string',
      minLength: 1,
      description: 'What to call it.',
    });
    expect(body.properties.ship_to).toEqual({ $ref: '#/components/schemas/Address' });
    expect(doc.components.schemas.Address).toMatchObject({ type: 'object', required: ['line1', 'country'] });
    expect(create.responses['201']!.content!['application/json']!.schema).toMatchObject({
      properties: { created: { type: 'string', format: 'date-time' } },
    });
    expect(create.security).toEqual([{ bearerAuth: [] }]);

    const get = doc.paths['/v1/things/{id}']!.get!;
    expect(get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, description: 'The thing id.', schema: { type: 'string' } },
      { name: 'expand', in: 'query', required: false, schema: { type: 'string', enum: ['owner'] } },
    ]);
    const receiver = doc.paths['/webhooks/things']!.post!;
    expect(receiver.parameters).toEqual([
      { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' } },
    ]);
    expect(receiver.responses['204']).toEqual({ description: 'Accepted.' });
  });

  it('refuses to document one route twice', () => {
    const docs = docsWithThings();
    expect(() =>
      docs.add({
        method: 'GET',
        path: '/v1/things/:thing',
        summary: 'again',
        responses: { 200: { description: 'x' } },
      }),
    ).toThrow('GET /v1/things/{thing} is documented twice');
  });

  it('converts hono paths to OpenAPI templates', () => {
    expect(openApiPath('/v1/things/:id/parts/:part_id?')).toBe('/v1/things/{id}/parts/{part_id}');
    expect(openApiPath('/blobs/:key{.+}')).toBe('/blobs/{key}');
  });

  it('finds what is wrong with a document', () => {
    const doc = docsWithThings().document();
    const broken = structuredClone(doc);
    broken.paths['/v1/things/{id}']!.get!.parameters = [];
    broken.paths['/v1/things']!.post!.responses = {};
    broken.paths['/v1/things']!.post!.security = [{ apiKey: [] }];
    broken.components.schemas = {};
    expect(openApiProblems(broken)).toEqual([
      '$ref #/components/schemas/Address does not resolve',
      'POST /v1/things has no responses',
      'POST /v1/things: security scheme apiKey is not declared',
      'GET /v1/things/{id}: path parameters [] do not match the template [id]',
    ]);
  });
});

describe('mount', () => {
  it('serves /openapi.json and a self-contained /docs page', async () => {
    const app = new Hono();
    docsWithThings().mount(app);
    const json = await app.request('/openapi.json');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await json.json()) as { openapi: string }).openapi).toBe('3.1.0');

    const page = await app.request('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<section id="tag-Things"><h2>Things</h2>');
    expect(html).toContain('<code>/v1/things/{id}</code>');
    expect(html).toContain('<section id="tag-Other"><h2>Other</h2>');
    expect(html).toContain('&quot;minLength&quot;: 1');
    expect(html).toContain('Things and <code>more</code> things.');
    // Offline workshop machines: nothing is loaded from elsewhere.
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });
});

describe('undocumentedRoutes', () => {
  it('lists every route the document lacks, but not middleware, kit routes or ignored pages', () => {
    const app = new Hono();
    const docs = docsWithThings();
    app.use('*', async (_c, next) => next());
    app.get('/healthz', (c) => c.text('ok'));
    app.get('/_hooklab/exchanges', (c) => c.json([]));
    docs.mount(app);
    app.post('/v1/things', (c) => c.json({}));
    app.get('/v1/things/:id', (c) => c.json({}));
    app.delete('/v1/things/:id', (c) => c.body(null, 204));
    app.post('/webhooks/things', (c) => c.body(null, 204));
    app.get('/v1/widgets', (c) => c.json([]));
    app.get('/admin/things', (c) => c.html('<p>page</p>'));
    expect(undocumentedRoutes(app, docs, { ignore: (_m, path) => path.startsWith('/admin') })).toEqual([
      'DELETE /v1/things/:id',
      'GET /v1/widgets',
    ]);
  });
});
