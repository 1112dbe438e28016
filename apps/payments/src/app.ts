import type { SqliteClient } from '@hooklab/db';
import {
  createServiceApp,
  type ExchangeRecorder,
  type Logger,
  setResponseHeader,
  ssrfOptionsOf,
} from '@hooklab/service';
import { type Clock, createSqliteOutbox, type SqliteOutbox, systemClock } from '@hooklab/webhooks';
import { bodyLimit } from 'hono/body-limit';
import type { PaymentsConfig } from './config.ts';
import { registrationUrlCheck } from './domain/callback-url.ts';
import { expireCheckoutSession } from './domain/checkout.ts';
import { BACKGROUND, type Domain } from './domain/context.ts';
import { API_VERSION } from './domain/events.ts';
import { createJobRunner } from './domain/jobs.ts';
import { settleProcessing } from './domain/payment-intents.ts';
import { createStore, type Db } from './domain/store.ts';
import type { UrlCheck } from './domain/webhook-endpoints.ts';
import { authenticate, keyringOf } from './http/auth.ts';
import type { PaymentsEnv } from './http/env.ts';
import { idempotency } from './http/idempotency.ts';
import { readParams } from './http/params-middleware.ts';
import { prettyJson } from './http/pretty-json.ts';
import { renderStripeError, stripeError } from './http/stripe-error.ts';
import { dashboardRoutes } from './pages/dashboard.tsx';
import { hostedPageRoutes } from './pages/hosted.tsx';
import { chargeRoutes, refundRoutes } from './routes/charges-refunds.ts';
import { checkoutSessionRoutes } from './routes/checkout-sessions.ts';
import { eventRoutes } from './routes/events.ts';
import { paymentIntentRoutes } from './routes/payment-intents.ts';
import { priceRoutes, productRoutes } from './routes/products.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';

export interface DomainDeps {
  db: Db;
  sqlite: SqliteClient;
  config: PaymentsConfig;
  /** Business time: object timestamps, checkout expiry, bank debits settling. Tests pass a manual clock. */
  clock?: Clock;
  /** The outbox on the same connection; created here when not given. */
  outbox?: SqliteOutbox;
  logger?: Logger;
  publicUrl?: () => string;
}

/** The payments domain (store, outbox, durable jobs) on one database; the job runner is not started. */
export function createDomain(deps: DomainDeps): Domain {
  const clock = deps.clock ?? systemClock;
  const fallbackUrl = deps.config.PAYMENTS_PUBLIC_URL ?? 'http://localhost:3002';
  const d: Domain = {
    db: deps.db,
    sqlite: deps.sqlite,
    store: createStore(deps.sqlite),
    outbox: deps.outbox ?? createSqliteOutbox(deps.sqlite),
    clock,
    config: deps.config,
    logger: deps.logger,
    publicUrl: deps.publicUrl ?? (() => fallbackUrl),
    jobs: undefined as never,
  };
  d.jobs = createJobRunner({
    db: deps.db,
    sqlite: deps.sqlite,
    clock,
    logger: deps.logger,
    handlers: {
      'payment_intent.settle': (job) => settleProcessing(d, job.accountId, job.objectId),
      'checkout.expire': (job) =>
        void expireCheckoutSession(d, job.accountId, BACKGROUND, job.objectId, true),
    },
  });
  return d;
}

export interface PaymentsDeps extends DomainDeps {
  domain?: Domain;
  recorder?: ExchangeRecorder;
  /** Callback-URL check for webhook endpoints; by default the SSRF rules of the config. */
  urlCheck?: UrlCheck;
  /**
   * Requeues the failed and dead deliveries of one webhook endpoint (main wires it to the dispatcher);
   * resolves to how many were requeued. The dashboard offers it once a disabled endpoint is enabled again.
   */
  replayFailedDeliveries?: (endpointId: string) => Promise<number>;
  hooks?: {
    /** Runs after an idempotency key is taken and before the handler: tests use it to hold a request open. */
    beforeIdempotentHandler?: (key: string) => Promise<void>;
  };
}

/** The payments app: Stripe's API under /v1, hosted checkout and 3-D Secure pages, and a dashboard. */
export function createApp(deps: PaymentsDeps) {
  const d = deps.domain ?? createDomain(deps);
  const { config } = deps;
  const app = createServiceApp<PaymentsEnv>({
    name: 'payments',
    logger: deps.logger,
    recorder: deps.recorder,
    renderError: renderStripeError,
    // /v1 answers in Stripe's JSON whatever Accept says; hosted pages and the dashboard give browsers HTML.
    apiPrefixes: ['/v1/'],
    dev: config,
    requestIdHeader: 'Request-Id',
  });
  const urlCheck: UrlCheck = deps.urlCheck ?? registrationUrlCheck(ssrfOptionsOf(config));

  app.use('/v1/*', async (c, next) => {
    await next();
    setResponseHeader(c, 'Stripe-Version', c.req.header('stripe-version') ?? API_VERSION);
  });
  app.use(
    '/v1/*',
    prettyJson(),
    authenticate(keyringOf(config)),
    readParams(config.PAYMENTS_MAX_BODY_BYTES),
    idempotency({
      sqlite: deps.sqlite,
      clock: d.clock,
      ttlMs: config.PAYMENTS_IDEMPOTENCY_TTL_HOURS * 3600_000,
      beforeHandler: deps.hooks?.beforeIdempotentHandler,
    }),
  );
  app.route('/v1/payment_intents', paymentIntentRoutes(d));
  app.route('/v1/charges', chargeRoutes(d));
  app.route('/v1/refunds', refundRoutes(d));
  app.route('/v1/checkout/sessions', checkoutSessionRoutes(d));
  app.route('/v1/products', productRoutes(d));
  app.route('/v1/prices', priceRoutes(d));
  app.route('/v1/events', eventRoutes(d));
  app.route('/v1/webhook_endpoints', webhookEndpointRoutes(d, urlCheck));

  const pageLimit = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw stripeError({
        status: 413,
        type: 'invalid_request_error',
        code: 'request_too_large',
        message: 'Request body too large.',
      });
    },
  });
  app.use('/pay/*', pageLimit);
  app.use('/3ds/*', pageLimit);
  app.route('/', hostedPageRoutes(d));
  // The dashboard has no login: dev mode only, and PAYMENTS_DASHBOARD=false turns it off there too.
  const dashboard = config.HOOKLAB_DEV && config.PAYMENTS_DASHBOARD;
  if (dashboard) {
    app.use('/dashboard/*', pageLimit);
    app.route('/dashboard', dashboardRoutes(d, { replayFailedDeliveries: deps.replayFailedDeliveries }));
  }
  app.get('/', (c) =>
    c.json({
      service: 'payments',
      description: 'A Stripe-compatible payment provider for local development (Hooklab).',
      api: '/v1',
      dashboard: dashboard ? '/dashboard' : null,
    }),
  );
  return app;
}

export type PaymentsApp = ReturnType<typeof createApp>;
