import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';
import { listProducts, productView } from '../domain/catalog.ts';

/** `GET /api/products`: the catalogue with prices and stock. */
export function productRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();
  api.get('/products', (c) => c.json({ object: 'list', data: listProducts(s.db).map(productView) }));
  return api;
}
