import { Hono } from 'hono';
import { z } from 'zod';
import type { Domain } from '../domain/context.ts';
import {
  createPrice,
  createProduct,
  deleteProduct,
  loadPrice,
  loadProduct,
  PRICE_TYPE,
  PRODUCT_TYPE,
  updatePrice,
  updateProduct,
} from '../domain/products.ts';
import { listObject } from '../domain/store.ts';
import type { PaymentsEnv } from '../http/env.ts';
import { expandObject } from '../http/expand.ts';
import { bool, currency, expand, int, list, listParams, metadata, parseParams, str } from '../http/params.ts';

const recurring = z.strictObject({
  interval: z.enum(['day', 'week', 'month', 'year'], {
    error: 'Invalid interval: must be one of day, week, month or year',
  }),
  interval_count: int(1, 1095).optional(),
});
const taxBehavior = z.enum(['inclusive', 'exclusive', 'unspecified'], {
  error: 'Invalid tax_behavior: must be one of inclusive, exclusive or unspecified',
});
const priceData = {
  currency: currency(),
  unit_amount: int(0),
  recurring: recurring.optional(),
  tax_behavior: taxBehavior.optional(),
};
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
  default_price_data: z.strictObject({ ...priceData, metadata: metadata().optional() }).optional(),
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

const priceCreateSchema = z.strictObject({
  ...priceData,
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

/** Defined filters only: `where` compares each given field of the stored object. */
function defined(fields: Record<string, string | number | boolean | readonly string[] | undefined>) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean | readonly string[]
  >;
}

/** `/v1/products`: what is sold; archived with `active=false`, deleted only while it has no prices. */
export function productRoutes(d: Domain) {
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const { expand: paths, ...p } = parseParams(productCreateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createProduct(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(productListSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const where = defined({ active: p.active, shippable: p.shippable, url: p.url, id: p.ids });
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
      parseParams(z.strictObject({}), c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(deleteProduct(d, acct, c.get('meta'), c.req.param('id')));
    });
}

/** `/v1/prices`: how much a product costs, in one currency; amounts never change (make a new price). */
export function priceRoutes(d: Domain) {
  return new Hono<PaymentsEnv>()
    .post('/', (c) => {
      const { expand: paths, ...p } = parseParams(priceCreateSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      return c.json(expandObject(d, acct, createPrice(d, acct, c.get('meta'), p), paths));
    })
    .get('/', (c) => {
      const p = parseParams(priceListSchema, c.get('params'));
      const acct = c.get('apiKey').accountId;
      const where = defined({
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
