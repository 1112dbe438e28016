import { databaseFileFor } from '@hooklab/db';
import {
  appControl,
  appRuntime,
  createTracedFetch,
  dispatcherSender,
  isMemoryDataDir,
  loadConfig,
  recordDeliveryAttempt,
  SERVICE_NAMES,
  type StartApp,
  serviceUrls,
  ssrfOptionsOf,
  urlVarOf,
} from '@hooklab/service';
import {
  checkUrl,
  createDispatcher,
  createSqliteOutbox,
  createTransportRouter,
  transportSettingsFromEnv,
} from '@hooklab/webhooks';
import { and, eq, inArray } from 'drizzle-orm';
import { createApp } from './app.ts';
import { checkManifest } from './clients/manifests.ts';
import { createStripeClient } from './clients/stripe.ts';
import { ensureWebhookEndpoint, registerInBackground, storedEndpoint } from './clients/stripe-endpoint.ts';
import { type ShopConfig, shopConfigSchema } from './config.ts';
import { createShopContext } from './context.ts';
import { openShopDatabase } from './db/index.ts';
import { orders } from './db/schema.ts';
import { pendingManifests } from './domain/manifests.ts';

function nameOfUrl(env: Record<string, string | undefined>): (url: URL) => string {
  const urls = serviceUrls(env);
  const byOrigin = new Map(SERVICE_NAMES.map((n) => [new URL(urls[n]).origin, n as string]));
  return (url) => byOrigin.get(url.origin) ?? url.host;
}

/** Starts the shop: config → db (migrated, seeded) → outbox dispatcher → HTTP → webhook registration and pollers. */
export const start: StartApp = async (env, opts = {}) => {
  const cfg = loadConfig(shopConfigSchema, env);
  const urls = serviceUrls(env);
  const config: ShopConfig = {
    ...cfg,
    shopUrl: urls.shop,
    publicUrl: cfg.SHOP_PUBLIC_URL ?? urls.shop,
    paymentsUrl: urls.payments,
    logisticsUrl: urls.logistics,
  };
  const runtime = appRuntime('shop', env, cfg);
  const { logger, recorder } = runtime;
  const nameOf = nameOfUrl(env);
  const tracedFetch = createTracedFetch({ from: 'shop', recorder, nameOf });
  const {
    db,
    sqlite,
    close: closeDb,
  } = openShopDatabase(isMemoryDataDir(cfg.DATA_DIR) ? ':memory:' : databaseFileFor('shop', cfg.DATA_DIR));

  const outbox = createSqliteOutbox(sqlite, { tablePrefix: 'shop_' });
  // Customer e-mails are mailto: targets (SMTP_URL, default the mailbox); webhooks go over HTTP as before.
  const transport = createTransportRouter({ ...transportSettingsFromEnv(env), source: '/shop' });
  const dispatcher = createDispatcher({
    store: outbox,
    transport,
    retrySchedule: cfg.WEBHOOK_RETRY_SCHEDULE,
    logger,
    // Checked again at each attempt, with the resolved addresses pinned (DNS rebinding).
    ssrf: { check: (url) => checkUrl(url, ssrfOptionsOf(cfg)) },
    // In the message's trace, with event id and attempt, so the console pairs it with the receiver's record.
    onAttempt: (e) => recordDeliveryAttempt(recorder, e, { to: nameOf(new URL(e.message.url)) }),
  });
  // Dev mode: the console's "pause sender" switch stops and restarts this dispatcher.
  appControl(recorder).registerSender(dispatcherSender('outbox', dispatcher));

  const stripe = createStripeClient({
    secretKey: cfg.STRIPE_SECRET_KEY,
    paymentsUrl: config.paymentsUrl,
    fetch: tracedFetch,
  });
  let stripeSecret: string | undefined = cfg.STRIPE_WEBHOOK_SECRET;
  let endpointId: string | undefined;
  const endpointUrl = () => `${config.shopUrl}/webhooks/stripe`;

  const ssrf = ssrfOptionsOf(cfg);
  const urlCheck = (url: string) => checkUrl(url, ssrf);
  const downloads = new Set<Promise<unknown>>();
  const downloadManifest = (id: string) => {
    const p = checkManifest(
      { db, fetch: tracedFetch, maxBytes: cfg.SHOP_MANIFEST_MAX_BYTES, now: Date.now, logger, urlCheck },
      id,
    )
      .catch((err) => logger.error({ err, manifest: id }, 'manifest check failed'))
      .finally(() => downloads.delete(p));
    downloads.add(p);
  };

  const ctx = createShopContext({
    db,
    sqlite,
    config,
    stripe,
    outbox,
    recorder,
    logger,
    fetch: tracedFetch,
    stripeWebhookSecrets: () => (stripeSecret ? [stripeSecret] : []),
    stripeWebhookStatus: () => ({
      ready: Boolean(stripeSecret) && (cfg.STRIPE_WEBHOOK_SECRET !== undefined || endpointId !== undefined),
      mode: cfg.STRIPE_WEBHOOK_SECRET
        ? 'fixed_secret'
        : !cfg.STRIPE_REGISTER_ENDPOINT
          ? 'disabled'
          : endpointId
            ? 'registered'
            : 'pending',
      endpointId,
    }),
    onManifest: downloadManifest,
  });
  const app = createApp(ctx);

  await dispatcher.start();
  let registration: { stop(): void } | undefined;
  let holdSweep: NodeJS.Timeout | undefined;
  let server: Awaited<ReturnType<typeof runtime.serve>>;
  try {
    server = await runtime.serve(app, {
      handleSignals: opts.handleSignals,
      onShutdown: [
        () => registration?.stop(),
        () => clearInterval(holdSweep),
        () => ctx.refunds.stop(),
        () => ctx.poller.stopAll(),
        () => dispatcher.stop({ drainMs: 2000 }),
        () => transport.close(),
        async () => {
          await Promise.allSettled([...downloads]);
        },
        () => closeDb(),
      ],
    });
  } catch (err) {
    await dispatcher.stop();
    transport.close();
    closeDb();
    throw err;
  }
  // Without an explicit SHOP_URL (PORT=0, tests), the shop's address is the one it is listening on.
  if (!env[urlVarOf('shop')]) {
    config.shopUrl = server.url;
    if (!cfg.SHOP_PUBLIC_URL) config.publicUrl = server.url;
  }

  if (stripeSecret) {
    logger.info(
      'using STRIPE_WEBHOOK_SECRET; not registering an endpoint (payments must use the same dev secret)',
    );
  } else if (cfg.STRIPE_REGISTER_ENDPOINT) {
    const stored = storedEndpoint(db);
    if (stored?.url === endpointUrl()) stripeSecret = stored.secret;
    registration = registerInBackground({
      logger,
      attempt: () => ensureWebhookEndpoint({ stripe, db, url: endpointUrl(), logger }),
      onRegistered: (r) => {
        stripeSecret = r.secret;
        endpointId = r.id;
        logger.info(
          { endpoint: r.id, url: endpointUrl(), created: r.created },
          'Stripe webhook endpoint registered with payments',
        );
      },
    });
  }

  // Durable work left from a previous run: pollers for unpaid polling orders, manifests not yet checked.
  const unpaid = db
    .select()
    .from(orders)
    .where(
      and(eq(orders.confirmation, 'polling'), inArray(orders.status, ['pending_payment', 'payment_failed'])),
    )
    .all();
  for (const o of unpaid) {
    ctx.poller.start(o.id, {
      paymentIntentId: o.paymentIntentId ?? undefined,
      checkoutSessionId: o.checkoutSessionId ?? undefined,
    });
  }
  for (const m of pendingManifests(db)) downloadManifest(m.id);
  // Refunds recorded but not sent yet; dresses held by checkouts that ended while we were down, then every minute.
  ctx.refunds.resume();
  ctx.releaseLapsedHolds();
  holdSweep = setInterval(() => ctx.releaseLapsedHolds(), 60_000);
  holdSweep.unref();

  return runtime.running(server);
};
