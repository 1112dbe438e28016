import { openApiProblems, undocumentedRoutes } from '@hooklab/service';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { SHOP_API_PREFIXES, shopApiDocs } from './app.ts';
import { orderRouteDocs } from './routes/orders.ts';
import { productRouteDocs } from './routes/products.ts';
import { statusRouteDocs } from './routes/status.ts';
import { ADMIN, ORDER_BODY, testShop } from './test-support.ts';

// Everything outside the API prefixes is an HTML page of the storefront, bag, order pages or back office.
const isPage = (_method: string, path: string) => !SHOP_API_PREFIXES.some((p) => path.startsWith(p));

describe('the shop API docs', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('are OpenAPI 3.1 and document every API route and webhook receiver', () => {
    shop = testShop();
    const docs = shopApiDocs();
    const doc = docs.document();
    expect(doc.openapi).toBe('3.1.0');
    expect(openApiProblems(doc)).toEqual([]);
    expect(undocumentedRoutes(shop.app, docs, { ignore: isPage })).toEqual([]);
    // The receivers are part of the contract: their signature headers are parameters.
    const stripe = doc.paths['/webhooks/stripe']?.post;
    expect(stripe?.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual(['header stripe-signature']);
    expect(
      doc.paths['/webhooks/logistics']?.post?.requestBody?.content['application/json']?.schema,
    ).toMatchObject({
      oneOf: expect.any(Array),
    });
  });

  it('describe the same body the handler validates', () => {
    const body = shopApiDocs().document().paths['/api/orders']?.post?.requestBody?.content['application/json']
      ?.schema as { required: string[]; properties: Record<string, unknown> };
    expect(body.required).toEqual(['items', 'customer', 'ship_to']);
    expect(body.properties.confirmation).toEqual({ type: 'string', enum: ['webhook', 'polling'] });
  });

  it('describe what the routes really answer', async () => {
    shop = testShop();
    const schemaOf = (docs: { responses: Record<number, { schema?: z.ZodType }> }[], status: number) =>
      docs[0]!.responses[status]!.schema!;
    const products = await shop.app.request('/api/products');
    expect(schemaOf(productRouteDocs, 200).safeParse(await products.json()).error).toBeUndefined();
    const status = await shop.app.request('/api/status');
    expect(schemaOf(statusRouteDocs, 200).safeParse(await status.json()).error).toBeUndefined();
    const order = await shop.app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ORDER_BODY),
    });
    expect(order.status).toBe(201);
    expect(schemaOf(orderRouteDocs, 201).safeParse(await order.json()).error).toBeUndefined();
  });

  it('are served as JSON at /openapi.json and as a page at /docs', async () => {
    shop = testShop();
    const json = await shop.app.request('/openapi.json');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await json.json()) as { info: { title: string } }).info.title).toBe('Atelier shop API');
    const page = await shop.app.request('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<code>/api/orders/{id}/checkout</code>');
  });
});

describe('GET /api/orders/:id/events', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('refuses an `after` that is not an event id with problem+json (it was read as NaN)', async () => {
    shop = testShop();
    const created = await shop.app.request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ORDER_BODY),
    });
    const { id } = (await created.json()) as { id: string };
    const res = await shop.app.request(`/api/orders/${id}/events?after=soon`, { headers: ADMIN });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});
