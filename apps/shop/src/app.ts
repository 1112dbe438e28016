import { createServiceApp } from '@hooklab/service';
import type { Context } from 'hono';
import { apiRoutes } from './routes/api.ts';
import { storefrontRoutes } from './routes/storefront.tsx';
import { webhookRoutes } from './routes/webhooks.ts';
import { createShopServices, type ShopDeps, type ShopServices } from './shop.ts';
import { shopErrorPage } from './views/error-page.tsx';

// Names who called us in recorded exchanges, so the console's diagram shows payments and logistics as senders.
const callerOf = (c: Context): string =>
  c.req.header('x-hooklab-from') ??
  (c.req.header('stripe-signature') ? 'payments' : c.req.header('webhook-id') ? 'logistics' : 'client');

/** Builds the shop's services and its Hono app; no port, no env, no globals. */
export function createShop(deps: ShopDeps) {
  const services: ShopServices = createShopServices(deps);
  const app = createServiceApp({
    name: 'shop',
    logger: deps.logger,
    recorder: deps.recorder,
    callerOf,
    dev: deps.config,
    // Browsers get the shop's error page; the JSON API and webhook senders keep problem+json.
    renderErrorPage: shopErrorPage,
    apiPrefixes: ['/api/', '/webhooks/'],
  });
  app.route('/api', apiRoutes(services));
  app.route('/webhooks', webhookRoutes(services));
  app.route('/', storefrontRoutes(services));
  return { app, services };
}

/** The shop's Hono app (`app.request()` in tests). */
export function createApp(deps: ShopDeps) {
  return createShop(deps).app;
}

export type { ShopDeps };
