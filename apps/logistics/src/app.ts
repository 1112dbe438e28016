import { blobRoutes, type LocalBlobStore } from '@hooklab/blobstore';
import { ApiError, bodyLimit, createServiceApp, rateLimit } from '@hooklab/service';
import type { LogisticsContext } from './context.ts';
import { logisticsApiDocs } from './http/openapi.ts';
import { dashboardRoutes } from './pages/dashboard.tsx';
import { manifestRoutes } from './routes/manifests.ts';
import { quoteRoutes } from './routes/quotes.ts';
import { shipmentRoutes } from './routes/shipments.ts';
import { shopWebhookRoutes } from './webhooks/in/shop.ts';

const API_BODY_LIMIT_BYTES = 64 * 1024;

/** The logistics HTTP app on a context; nothing is started here (see main.ts for the workers). */
export function createApp(ctx: LogisticsContext) {
  const app = createServiceApp({
    name: 'logistics',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    // The API keeps problem+json for every client; other pages (a blob link in a browser) get HTML.
    apiPrefixes: ['/v1/'],
  });
  logisticsApiDocs({ localBlobs: ctx.blobs.kind === 'local' }).mount(app);
  const perKey = ctx.config.LOGISTICS_RATE_LIMIT_PER_SECOND;
  const throttle = rateLimit({
    limit: perKey,
    windowMs: 1000,
    // Counted per bearer token, before auth: a guessed key spends its own bucket too.
    keyOf: (c) => /^Bearer\s+(\S{1,200})/i.exec(c.req.header('authorization') ?? '')?.[1],
    error: () =>
      new ApiError({
        status: 429,
        code: 'rate_limited',
        message: `Too many requests with this API key: at most ${perKey} per second. Retry after Retry-After seconds.`,
        headers: {},
      }),
  });
  for (const path of ['/v1/shipments', '/v1/quotes', '/v1/manifests']) app.use(`${path}/*`, throttle);
  const limit = bodyLimit({ maxBytes: API_BODY_LIMIT_BYTES });
  app.use('/v1/shipments', limit);
  app.use('/v1/quotes', limit);
  app.use('/v1/manifests', limit);
  app.get('/', (c) =>
    c.json({
      service: 'logistics',
      docs: 'apps/logistics/README.md',
      endpoints: ['/v1/inbound/orders', '/v1/shipments', '/v1/quotes', '/v1/manifests', '/blobs/*'],
    }),
  );
  app.route('/v1/inbound', shopWebhookRoutes(ctx));
  app.route('/v1/shipments', shipmentRoutes(ctx));
  app.route('/v1/quotes', quoteRoutes(ctx));
  app.route('/v1/manifests', manifestRoutes(ctx));
  if (ctx.blobs.kind === 'local') app.route('/blobs', blobRoutes(ctx.blobs as LocalBlobStore));
  // No login and no forms: a read-only page, served in dev mode only.
  if (ctx.config.HOOKLAB_DEV) app.route('/dashboard', dashboardRoutes(ctx));
  return app;
}
