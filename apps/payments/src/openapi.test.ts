import { createApiDocs, type OpenApiDocument, openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { isPage, paymentsApiDocs } from './openapi.ts';
import { createTestContext, SK, startTestServer, type TestServer } from './test-support.ts';

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
  security?: unknown[];
};
type Doc = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, unknown>;
    securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }>;
  };
};

const METHODS = ['get', 'post', 'delete', 'put', 'patch'];
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ method, path, op })),
  );
const FORM = 'application/x-www-form-urlencoded';

describe('payments API docs (/openapi.json, /docs)', () => {
  let s: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    s = await startTestServer();
    const res = await fetch(`${s.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(() => s.close());

  it('is an OpenAPI 3.1 document of the Stripe subset, with Stripe’s key schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Hooklab payments — the Stripe subset');
    expect(doc.info.description).toContain(FORM);
    const schemes = doc.components?.securitySchemes ?? {};
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const key of ['sk_', 'rk_', 'pk_']) expect(schemes.bearerAuth?.description).toContain(key);
    expect(schemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(doc).toEqual(JSON.parse(JSON.stringify(paymentsApiDocs().document())));
    const error = doc.components?.schemas?.error as {
      properties: { error: { properties: Record<string, unknown>; required: string[] } };
    };
    expect(error.properties.error.required).toEqual(expect.arrayContaining(['type', 'message']));
    expect(Object.keys(error.properties.error.properties)).toEqual(
      expect.arrayContaining([
        'type',
        'code',
        'param',
        'message',
        'decline_code',
        'payment_intent',
        'doc_url',
      ]),
    );
    expect(openApiProblems(doc as unknown as OpenApiDocument)).toEqual([]);
  });

  it('documents every route the app has (pages aside)', () => {
    const app = createApp(createTestContext());
    expect(undocumentedRoutes(app, paymentsApiDocs(), { ignore: isPage })).toEqual([]);
    // The check can fail: with no docs at all it names the API's routes, and only those (pages are ignored).
    const bare = undocumentedRoutes(app, createApiDocs({ title: 't', version: '1' }), { ignore: isPage });
    expect(bare).toContain('POST /v1/payment_intents/:id/confirm');
    expect(bare).toContain('GET /');
    expect(bare.filter((r) => !r.includes(' /v1/') && r !== 'GET /')).toEqual([]);
  });

  it('gives every /v1 operation a key, its parameters as Stripe sends them and Stripe’s error object', () => {
    const ops = operations(doc).filter((o) => o.path.startsWith('/v1/'));
    expect(ops.length).toBeGreaterThan(30);
    for (const { method, path, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.security, where).toEqual([{ bearerAuth: [] }, { basicAuth: [] }]);
      expect(op.responses['200'], where).toBeDefined();
      const headers = op.parameters?.filter((p) => p.in === 'header').map((p) => p.name);
      if (method === 'post') {
        expect(Object.keys(op.requestBody?.content ?? {}), where).toEqual([FORM]);
        expect(headers, where).toContain('Idempotency-Key');
      } else expect(op.requestBody, where).toBeUndefined();
      for (const id of path.match(/\{(\w+)\}/g) ?? [])
        expect(
          op.parameters?.map((p) => `${p.in}:${p.name}`),
          where,
        ).toContain(`path:${id.slice(1, -1)}`);
      for (const status of ['400', '401', '403'])
        expect(op.responses[status]?.content?.['application/json']?.schema, `${where} ${status}`).toEqual({
          $ref: '#/components/schemas/error',
        });
    }
  });

  it('documents the very schema that validates: its required and unknown parameters are the API’s', async () => {
    const create = doc.paths['/v1/payment_intents']?.post?.requestBody?.content[FORM]?.schema as {
      required: string[];
      additionalProperties: unknown;
      properties: Record<string, { type?: string; pattern?: string }>;
    };
    expect(create.required.sort()).toEqual(['amount', 'currency']);
    // Form values are strings on the wire: the integer is documented as the string it is sent as.
    expect(create.properties.amount).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(create.additionalProperties).toBe(false);
    const stripe = s.stripe(SK);
    const missing = await stripe.paymentIntents.create({ currency: 'eur' } as never).catch((e) => e);
    expect(missing.type).toBe('StripeInvalidRequestError');
    expect(missing.param).toBe('amount');
    const unknown = await stripe.paymentIntents
      .create({ amount: 100, currency: 'eur', colour: 'red' } as never)
      .catch((e) => e);
    expect(unknown.code).toBe('parameter_unknown');
    expect(Object.keys(create.properties)).not.toContain('colour');
    // The nested form `line_items[0][price_data][currency]` is the documented object shape.
    const session = doc.paths['/v1/checkout/sessions']?.post?.requestBody?.content[FORM]?.schema as {
      properties: { line_items: { type: string; items: { properties: Record<string, unknown> } } };
    };
    expect(session.properties.line_items.type).toBe('array');
    expect(Object.keys(session.properties.line_items.items.properties)).toEqual(
      expect.arrayContaining(['price', 'price_data', 'quantity']),
    );
  });

  it('serves a page at /docs without a key, and the SDK works as before beside it', async () => {
    const page = await fetch(`${s.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Hooklab payments — the Stripe subset');
    expect(html).toContain('/v1/payment_intents/{id}/confirm');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
    const pi = await s.stripe(SK).paymentIntents.create({
      amount: 2000,
      currency: 'eur',
      confirm: true,
      payment_method: 'pm_card_visa',
    });
    expect(pi.status).toBe('succeeded');
  });
});
