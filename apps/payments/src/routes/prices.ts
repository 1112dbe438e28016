import { Hono } from 'hono';
import { z } from 'zod';
import type { PaymentsContext } from '../context.ts';
import { createPrice, loadPrice, PRICE_TYPE, updatePrice } from '../domain/products.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { listOf, metadataOut, type StripeRoute, stripeObject } from '../http/openapi.ts';
import {
  bool,
  currency,
  definedFilters,
  expand,
  list,
  listParams,
  metadata,
  parseParams,
  priceDataParams,
  str,
  taxBehavior,
} from '../http/params.ts';

const priceCreateSchema = z.strictObject({
  ...priceDataParams,
  product: str(255).optional(),
  product_data: z
    .strictObject({
      name: str(250).min(1, 'Missing required param'),
      active: bool().optional(),
      metadata: metadata().optional(),
      unit_label: str(12).optional(),
    })
    .optional(),
  active: bool().optional(),
  nickname: str(5000).optional(),
  metadata: metadata().optional(),
  lookup_key: str(200).optional(),
  transfer_lookup_key: bool().optional(),
  expand: expand(),
});
const priceUpdateSchema = z.strictObject({
  active: bool().optional(),
  metadata: metadata().optional(),
  nickname: str(5000).optional(),
  lookup_key: str(200).optional(),
  transfer_lookup_key: bool().optional(),
  tax_behavior: taxBehavior.optional(),
  expand: expand(),
});
const priceListSchema = z.strictObject({
  ...listParams,
  active: bool().optional(),
  currency: currency().optional(),
  product: str(255).optional(),
  type: z
    .enum(['one_time', 'recurring'], { error: 'Invalid type: must be one_time or recurring' })
    .optional(),
  lookup_keys: list(str(200)).max(10).optional(),
});
const retrieveSchema = z.strictObject({ expand: expand() });

const price = stripeObject('price', {
  active: z.boolean(),
  currency: z.string(),
  unit_amount: z.number().int(),
  product: z.union([z.string(), z.looseObject({})]),
  type: z.enum(['one_time', 'recurring']),
  recurring: z.looseObject({ interval: z.string(), interval_count: z.number().int() }).nullable(),
  lookup_key: z.string().nullable(),
  nickname: z.string().nullable(),
  metadata: metadataOut(),
});

export const priceRouteDocs: StripeRoute[] = [
  {
    method: 'POST',
    path: '/',
    summary: 'Create a price',
    description: 'Of `product`, or of a new product from `product_data`.',
    params: priceCreateSchema,
    returns: price,
  },
  {
    method: 'GET',
    path: '/',
    summary: 'List prices',
    params: priceListSchema,
    returns: listOf(price),
    returnsDescription: 'A page of prices, newest first.',
  },
  { method: 'GET', path: '/:id', summary: 'Retrieve a price', params: retrieveSchema, returns: price },
  {
    method: 'POST',
    path: '/:id',
    summary: 'Update a price',
    description:
      'Amount and currency never change: make a new price. `transfer_lookup_key=true` moves a `lookup_key`.',
    params: priceUpdateSchema,
    returns: price,
  },
];

/** `/v1/prices`: how much a product costs, in one currency; amounts never change (make a new price). */
export function priceRoutes(d: PaymentsContext) {
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const { expand: paths, ...p } = parseParams(priceCreateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createPrice(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(priceListSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const where = definedFilters({
        active: p.active,
        currency: p.currency,
        type: p.type,
        lookup_key: p.lookup_keys,
      });
      const page = d.store.list(acct, PRICE_TYPE, { ...p, ref: p.product, where }, 'price');
      return c.json(expandObject(d, acct, listObject('/v1/prices', page), p.expand));
    })
    .get('/:id', (c) => {
      const p = parseParams(retrieveSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, loadPrice(d, acct, c.req.param('id')), p.expand));
    })
    .post('/:id', (c) => {
      const { expand: paths, ...p } = parseParams(priceUpdateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, updatePrice(d, acct, c.get('meta'), c.req.param('id'), p), paths));
    });
}
