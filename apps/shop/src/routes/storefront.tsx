import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';
import { cartCount } from '../domain/cart.ts';
import { listProducts, productBySlug } from '../domain/catalog.ts';
import { sessionOf } from '../http/auth.ts';
import { CatalogPage, ProductPage } from '../pages/pages.tsx';
import { STYLES } from '../pages/styles.ts';

/** The shop window: the dresses, one dress, and the stylesheet. */
export function storefrontRoutes(s: ShopContext) {
  const web = new Hono<ServiceEnv>();

  web.get('/assets/atelier.css', (c) =>
    c.body(STYLES, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );

  web.get('/', (c) =>
    c.html(<CatalogPage products={listProducts(s.db)} cartCount={cartCount(s.db, sessionOf(c, s))} />),
  );

  web.get('/dresses/:slug', (c) => {
    const product = productBySlug(s.db, c.req.param('slug'));
    if (!product)
      throw new ApiError({ status: 404, code: 'not_found', message: 'We have no dress at this address.' });
    return c.html(<ProductPage product={product} cartCount={cartCount(s.db, sessionOf(c, s))} />);
  });

  return web;
}
