import type { RouteDoc, ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ShopContext } from '../context.ts';
import { listProducts, productView } from '../domain/catalog.ts';

/** `GET /api/products`: the catalogue with prices and stock. */
export function productRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();
  api.get('/products', (c) => c.json({ object: 'list', data: listProducts(s.db).map(productView) }));
  return api;
}

const productSchema = z
  .object({
    id: z.string(),
    object: z.literal('product'),
    sku: z.string().nullable(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    amount: z.number().int().describe('Minor units (cents).'),
    currency: z.string(),
    available: z.number().int().nullable().describe('Units in stock; null when made to order.'),
    availability: z.enum(['in_stock', 'low_stock', 'sold_out', 'made_to_order']),
    max_per_order: z.number().int(),
  })
  .meta({ id: 'Product' });

export const productRouteDocs: RouteDoc[] = [
  {
    method: 'GET',
    path: '/api/products',
    summary: 'List the catalogue',
    description: 'Every dress with its price and stock.',
    tags: ['Catalogue'],
    security: [],
    responses: {
      200: {
        description: 'The products.',
        schema: z.object({ object: z.literal('list'), data: z.array(productSchema) }),
      },
    },
  },
];
