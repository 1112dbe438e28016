import { createApiDocs, createServiceApp } from '@hooklab/service';
import type { Context } from 'hono';
import type { ShopContext } from './context.ts';
import { SHOP_SECURITY_SCHEMES } from './http/openapi.ts';
import { shopErrorPage } from './pages/error-page.tsx';
import { adminRoutes } from './routes/admin.tsx';
import { cartRoutes } from './routes/cart.tsx';
import { metricsRouteDocs, metricsRoutes } from './routes/metrics.ts';
import { orderPageRoutes } from './routes/order-pages.tsx';
import { orderRouteDocs, orderRoutes } from './routes/orders.ts';
import { productRouteDocs, productRoutes } from './routes/products.ts';
import { statusRouteDocs, statusRoutes } from './routes/status.ts';
import { storefrontRoutes } from './routes/storefront.tsx';
import { webhookEndpointRouteDocs, webhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { logisticsWebhookRouteDocs, logisticsWebhookRoutes } from './webhooks/in/logistics.ts';
import { stripeWebhookRouteDocs, stripeWebhookRoutes } from './webhooks/in/stripe.ts';

// Names who called us in recorded exchanges, so the console's diagram shows payments and logistics as senders.
const callerOf = (c: Context): string =>
  c.req.header('x-hooklab-from') ??
  (c.req.header('stripe-signature') ? 'payments' : c.req.header('webhook-id') ? 'logistics' : 'client');

/** Where the JSON API and the webhook receivers live; everything else is an HTML page. */
export const SHOP_API_PREFIXES = ['/api/', '/v1/', '/webhooks/'];

/** The shop's API as OpenAPI 3.1 (`/openapi.json`, `/docs`), from the schemas its handlers validate with. */
export function shopApiDocs() {
  return createApiDocs({
    title: 'Atelier shop API',
    version: '1.0.0',
    description:
      'The shop of the Hooklab workshop: orders paid through payments (a Stripe stand-in) and shipped by logistics. Errors are RFC 9457 `application/problem+json`. The storefront, bag, order pages and back office are HTML pages and not listed here.',
    securitySchemes: SHOP_SECURITY_SCHEMES,
  }).add(
    ...productRouteDocs,
    ...orderRouteDocs,
    ...statusRouteDocs,
    ...metricsRouteDocs,
    ...stripeWebhookRouteDocs,
    ...logisticsWebhookRouteDocs,
    ...webhookEndpointRouteDocs,
  );
}

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
    apiPrefixes: SHOP_API_PREFIXES,
  });
  shopApiDocs().mount(app);
  for (const routes of [statusRoutes, productRoutes, orderRoutes, metricsRoutes])
    app.route('/api', routes(ctx));
  app.route('/v1/webhook_endpoints', webhookEndpointRoutes(ctx));
  app.route('/webhooks/stripe', stripeWebhookRoutes(ctx));
  app.route('/webhooks/logistics', logisticsWebhookRoutes(ctx));
  for (const routes of [storefrontRoutes, cartRoutes, orderPageRoutes, adminRoutes])
    app.route('/', routes(ctx));
  return app;
}
