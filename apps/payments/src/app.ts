import { bodyLimit, createServiceApp, rateLimit, setResponseHeader } from '@hooklab/service';
import type { Context } from 'hono';
import type { PaymentsContext } from './context.ts';
import { stripeError } from './domain/errors.ts';
import { authenticate, keyringOf } from './http/auth.ts';
import type { PaymentsEnv } from './http/env.ts';
import { renderStripeError } from './http/errors.ts';
import { stripeIdempotency } from './http/idempotency.ts';
import { readParams } from './http/params-middleware.ts';
import { prettyJson } from './http/pretty-json.ts';
import { paymentsApiDocs } from './openapi.ts';
import { dashboardRoutes } from './pages/dashboard.tsx';
import { hostedPageRoutes } from './pages/hosted.tsx';
import { chargeRoutes } from './routes/charges.ts';
import { checkoutSessionRoutes } from './routes/checkout-sessions.ts';
import { eventRoutes } from './routes/events.ts';
import { paymentIntentRoutes } from './routes/payment-intents.ts';
import { priceRoutes } from './routes/prices.ts';
import { productRoutes } from './routes/products.ts';
import { refundRoutes } from './routes/refunds.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';
import { API_VERSION } from './webhooks/out/events.ts';

const PAGE_MAX_BYTES = 64 * 1024;

/** Stripe's 413, thrown so the app's renderer answers it (JSON on /v1, an HTML page for a browser). */
const tooLarge = (max: number) => (): never => {
  throw stripeError({
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    message: `Request body too large: the limit is ${max} bytes.`,
  });
};

/** The payments app: Stripe's API under /v1, hosted checkout and 3-D Secure pages, and a dashboard. */
export function createApp(d: PaymentsContext) {
  const { config } = d;
  const app = createServiceApp<PaymentsEnv>({
    name: 'payments',
    logger: d.logger,
    recorder: d.recorder,
    renderError: renderStripeError,
    // /v1 answers in Stripe's JSON whatever Accept says; hosted pages and the dashboard give browsers HTML.
    apiPrefixes: ['/v1/'],
    dev: config,
    requestIdHeader: 'Request-Id',
  });

  app.use('/v1/*', async (c, next) => {
    await next();
    setResponseHeader(c, 'Stripe-Version', c.req.header('stripe-version') ?? API_VERSION);
  });
  app.use(
    '/v1/*',
    prettyJson(),
    authenticate(keyringOf(config)),
    rateLimit({
      limit: config.PAYMENTS_RATE_LIMIT_PER_SECOND,
      windowMs: 1000,
      keyOf: (c) => (c as Context<PaymentsEnv>).get('apiKey')?.key,
      error: () =>
        stripeError({
          status: 429,
          type: 'invalid_request_error',
          code: 'rate_limit',
          message: `Too many requests with this API key: at most ${config.PAYMENTS_RATE_LIMIT_PER_SECOND} per second. Retry after the number of seconds in Retry-After.`,
          headers: {},
        }),
    }),
    bodyLimit({
      maxBytes: config.PAYMENTS_MAX_BODY_BYTES,
      onTooLarge: tooLarge(config.PAYMENTS_MAX_BODY_BYTES),
    }),
    readParams(),
    stripeIdempotency(d),
  );
  app.route('/v1/payment_intents', paymentIntentRoutes(d));
  app.route('/v1/charges', chargeRoutes(d));
  app.route('/v1/refunds', refundRoutes(d));
  app.route('/v1/checkout/sessions', checkoutSessionRoutes(d));
  app.route('/v1/products', productRoutes(d));
  app.route('/v1/prices', priceRoutes(d));
  app.route('/v1/events', eventRoutes(d));
  app.route('/v1/webhook_endpoints', webhookEndpointRoutes(d));

  const pageLimit = bodyLimit({ maxBytes: PAGE_MAX_BYTES, onTooLarge: tooLarge(PAGE_MAX_BYTES) });
  app.use('/pay/*', pageLimit);
  app.use('/3ds/*', pageLimit);
  app.route('/', hostedPageRoutes(d));
  // The dashboard has no login: dev mode only, and PAYMENTS_DASHBOARD=false turns it off there too.
  const dashboard = config.HOOKLAB_DEV && config.PAYMENTS_DASHBOARD;
  if (dashboard) {
    app.use('/dashboard/*', pageLimit);
    app.route('/dashboard', dashboardRoutes(d));
  }
  // No key needed: the docs describe the API, they hold nothing of an account.
  paymentsApiDocs().mount(app);
  app.get('/', (c) =>
    c.json({
      service: 'payments',
      description: 'A Stripe-compatible payment provider for local development (Hooklab).',
      api: '/v1',
      docs: '/docs',
      dashboard: dashboard ? '/dashboard' : null,
    }),
  );
  return app;
}

export type PaymentsApp = ReturnType<typeof createApp>;
