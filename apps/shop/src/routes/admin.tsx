import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';
import { listManifests } from '../domain/manifests.ts';
import { requireAdmin } from '../http/auth.ts';
import { ManifestsPage } from '../pages/pages.tsx';

/** The back office's pages (SHOP_ADMIN_KEY; a browser is asked for it as a Basic password). */
export function adminRoutes(s: ShopContext) {
  const web = new Hono<ServiceEnv>();
  web.use('/admin/*', async (c, next) => {
    requireAdmin(c, s, 'Basic');
    await next();
  });
  web.get('/admin/manifests', (c) => c.html(<ManifestsPage manifests={listManifests(s.db)} />));
  return web;
}
