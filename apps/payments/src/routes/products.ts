import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import {
  createProduct,
  deleteProduct,
  loadProduct,
  PRODUCT_TYPE,
  updateProduct,
} from '../domain/products.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { deletedObject, listOf, metadataOut, type StripeRoute, stripeObject } from '../http/openapi.ts';
import {
  bool,
  definedFilters,
  expand,
  list,
  listParams,
  metadata,
  noParams,
  parseParams,
  priceDataParams,
  str,
} from '../http/params.ts';

const images = () => list(str(2048)).max(8);

const productCreateSchema = z.strictObject({
  id: z
    .string({ error: 'Invalid string' })
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'Invalid id: letters, digits, _ and - only')
    .optional(),
  name: str(250).min(1, 'Missing required param'),
  active: bool().optional(),
  description: str(40_000).optional(),
  images: images().optional(),
  metadata: metadata().optional(),
  url: str(5000).optional(),
  statement_descriptor: str(22).optional(),
  unit_label: str(12).optional(),
  shippable: bool().optional(),
  default_price_data: z.strictObject({ ...priceDataParams, metadata: metadata().optional() }).optional(),
  expand: expand(),
});
const productUpdateSchema = z.strictObject({
  name: str(250).optional(),
  active: bool().optional(),
  description: str(40_000).optional(),
  images: z.union([z.literal('').transform(() => [] as string[]), images()]).optional(),
  metadata: metadata().optional(),
  url: str(5000).optional(),
  statement_descriptor: str(22).optional(),
  unit_label: str(12).optional(),
  shippable: bool().optional(),
  default_price: str(255).optional(),
  expand: expand(),
});
const productListSchema = z.strictObject({
  ...listParams,
  active: bool().optional(),
  ids: list(str(255)).max(100).optional(),
  shippable: bool().optional(),
  url: str(5000).optional(),
});

const retrieveSchema = z.strictObject({ expand: expand() });

const product = stripeObject('product', {
  name: z.string(),
  active: z.boolean(),
  description: z.string().nullable(),
  default_price: z.union([z.string(), z.looseObject({}), z.null()]),
  images: z.array(z.string()),
  metadata: metadataOut(),
  created: z.number().int(),
});

export const productRouteDocs: StripeRoute[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'Create a product',
    description: '`default_price_data` also creates its first Price and sets `default_price`.',
    params: productCreateSchema,
    returns: product,
  },
  {
    method: 'GET',
    path: '/',
    summary: 'List products',
    params: productListSchema,
    returns: listOf(product),
    returnsDescription: 'A page of products, newest first.',
  },
  { method: 'GET', path: '/:id', summary: 'Retrieve a product', params: retrieveSchema, returns: product },
  {
    method: 'POST',
    path: '/:id',
    summary: 'Update a product',
    description: '`active=false` archives it.',
    params: productUpdateSchema,
    returns: product,
  },
  {
    method: 'DELETE',
    path: '/:id',
    summary: 'Delete a product',
    description: 'Only while no price points at it (a 400 otherwise: archive it instead).',
    params: noParams,
    returns: deletedObject('product'),
  },
];

/** `/v1/products`: what is sold; archived with `active=false`, deleted only while it has no prices. */
export function productRoutes(d: PaymentsContext) {
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const { expand: paths, ...p } = parseParams(productCreateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createProduct(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(productListSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const where = definedFilters({ active: p.active, shippable: p.shippable, url: p.url, id: p.ids });
      const page = d.store.list(acct, PRODUCT_TYPE, { ...p, where }, 'product');
      return c.json(expandObject(d, acct, listObject('/v1/products', page), p.expand));
    })
    .get('/:id', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, loadProduct(d, acct, c.req.param('id')), p.expand));
    })
    .post('/:id', (c) => {
      const { expand: paths, ...p } = parseParams(productUpdateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(
        expandObject(d, acct, updateProduct(d, acct, c.get('meta'), c.req.param('id'), p), paths),
      );
    })
    .delete('/:id', (c) => {
      parseParams(noParams, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(deleteProduct(d, acct, c.get('meta'), c.req.param('id')));
    });
}
