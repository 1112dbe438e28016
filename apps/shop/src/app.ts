import { createServiceApp } from '@hooklab/service';
import type { Context } from 'hono';
import type { ShopContext } from './context.ts';
import { shopErrorPage } from './pages/error-page.tsx';
import { adminRoutes } from './routes/admin.tsx';
import { cartRoutes } from './routes/cart.tsx';
import { metricsRoutes } from './routes/metrics.ts';
import { orderPageRoutes } from './routes/order-pages.tsx';
import { orderRoutes } from './routes/orders.ts';
import { productRoutes } from './routes/products.ts';
import { statusRoutes } from './routes/status.ts';
import { storefrontRoutes } from './routes/storefront.tsx';
import { logisticsWebhookRoutes } from './webhooks/in/logistics.ts';
import { stripeWebhookRoutes } from './webhooks/in/stripe.ts';

// Names who called us in recorded exchanges, so the console's diagram shows payments and logistics as senders.
const callerOf = (c: Context): string =>
  c.req.header('x-hooklab-from') ??
  (c.req.header('stripe-signature') ? 'payments' : c.req.header('webhook-id') ? 'logistics' : 'client');

/** The shop's Hono app over its context; no port, no env, no globals. */
export function createApp(ctx: ShopContext) {
  const app = createServiceApp({
    name: 'shop',
    logger: ctx.logger,
    recorder: ctx.recorder,
    callerOf,
    dev: ctx.config,
    // Browsers get the shop's error page; the JSON API and webhook senders keep problem+json.
    renderErrorPage: shopErrorPage,
    apiPrefixes: ['/api/', '/webhooks/'],
  });
  for (const routes of [statusRoutes, productRoutes, orderRoutes, metricsRoutes])
    app.route('/api', routes(ctx));
  app.route('/webhooks/stripe', stripeWebhookRoutes(ctx));
  app.route('/webhooks/logistics', logisticsWebhookRoutes(ctx));
  for (const routes of [storefrontRoutes, cartRoutes, orderPageRoutes, adminRoutes])
    app.route('/', routes(ctx));
  return app;
}
