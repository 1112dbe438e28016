import { databaseFileFor } from '@hooklab/db';
import { appRuntime, isMemoryDataDir, type RunningApp, type StartApp } from '@hooklab/service';
import { createApp } from './app.ts';
import {
  ensureShopEndpoint,
  ensureStripeEndpoint,
  type Registered,
  registerInBackground,
  SHOP_KEY,
  STRIPE_KEY,
  stored,
} from './clients/registration.ts';
import { ensureSlackApp } from './clients/slack-app.ts';
import { ensureSocialWebhook } from './clients/social.ts';
import { loadNotifierConfig } from './config.ts';
import { createNotifierContext } from './context.ts';
import { openNotifierDatabase } from './db/index.ts';
import { socialSecretUsable } from './domain/social.ts';

/** Starts notifier: config → db (+ migrations) → context → serve → post jobs → registration in the background. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadNotifierConfig(env);
  const runtime = appRuntime('notifier', env, config);
  const { logger, recorder } = runtime;
  const {
    db,
    sqlite,
    close: closeDb,
  } = openNotifierDatabase(
    isMemoryDataDir(config.DATA_DIR) ? ':memory:' : databaseFileFor('notifier', config.DATA_DIR),
  );
  let boundUrl = '';
  const publicUrl = () => (config.publicUrl ?? boundUrl).replace(/\/+$/, '');
  const endpointUrl = (path: string) => `${publicUrl()}${path}`;

  // Secrets learnt by registering; a secret from env wins and skips that registration.
  const learnt: { stripe?: string; shop?: string } = {};
  const ctx = createNotifierContext({
    config,
    db,
    sqlite,
    recorder,
    logger,
    publicUrl,
    fetch: runtime.fetch,
    secrets: {
      stripe: () => [config.STRIPE_WEBHOOK_SECRET ?? learnt.stripe].filter((s): s is string => Boolean(s)),
      shop: () => [config.SHOP_WEBHOOK_SECRET ?? learnt.shop].filter((s): s is string => Boolean(s)),
    },
  });
  const registrations: { stop(): void }[] = [];
  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    onShutdown: [
      () => {
        for (const r of registrations) r.stop();
      },
      () => ctx.jobs.stop(),
      () => closeDb(),
    ],
  });
  boundUrl = server.url;
  ctx.jobs.start();

  const register = <T extends { id: string }>(
    provider: keyof typeof ctx.registrations,
    what: string,
    attempt: () => Promise<T>,
    onRegistered: (r: T) => void = () => {},
  ) => {
    ctx.registrations[provider] = 'pending';
    registrations.push(
      registerInBackground({
        what,
        attempt,
        logger,
        initialDelayMs: config.NOTIFIER_REGISTER_RETRY_MS,
        onRegistered: (r) => {
          onRegistered(r);
          ctx.registrations[provider] = 'registered';
          logger.info({ id: r.id }, `${what} registered`);
        },
      }),
    );
  };
  // Providers call the URL they were given: a stored endpoint for this URL is good from the first request.
  const usable = (key: string, path: string) => {
    const s = stored(db, key);
    return s?.url === endpointUrl(path) ? s.secret : undefined;
  };
  if (config.STRIPE_WEBHOOK_SECRET) ctx.registrations.payments = 'fixed_secret';
  else {
    learnt.stripe = usable(STRIPE_KEY, '/webhooks/payments');
    register(
      'payments',
      'the Stripe webhook endpoint with payments',
      () => ensureStripeEndpoint({ stripe: ctx.stripe, db, url: endpointUrl('/webhooks/payments'), logger }),
      (r: Registered) => {
        learnt.stripe = r.secret;
      },
    );
  }
  if (config.SHOP_WEBHOOK_SECRET) ctx.registrations.shop = 'fixed_secret';
  else {
    learnt.shop = usable(SHOP_KEY, '/webhooks/shop');
    register(
      'shop',
      'the order events endpoint with the shop',
      () => ensureShopEndpoint({ shop: ctx.shop, db, url: endpointUrl('/webhooks/shop'), logger }),
      (r: Registered) => {
        learnt.shop = r.secret;
      },
    );
  }
  if (config.SLACK_REGISTER_APP) {
    register('slack', 'the Slack app with apps/slack', () =>
      ensureSlackApp({ config, slack: ctx.slack, fetch: ctx.fetch, baseUrl: publicUrl() }),
    );
  }
  // Continuous updates (issue 11): the same background, retried registration, reported apart in /api/status.
  const feed = (name: keyof typeof ctx.feeds, what: string, attempt: () => Promise<{ id: string }>) => {
    ctx.feeds[name] = 'pending';
    registrations.push(
      registerInBackground({
        what,
        attempt,
        logger,
        initialDelayMs: config.NOTIFIER_REGISTER_RETRY_MS,
        onRegistered: (r) => {
          ctx.feeds[name] = 'registered';
          logger.info({ id: r.id }, `${what} registered`);
        },
      }),
    );
  };
  if (config.NOTIFIER_MARKETS) {
    ctx.markets.start(endpointUrl('/webhooks/markets'));
    registrations.push({ stop: () => ctx.markets.stop() });
    feed('markets', 'the ticker topics with their hub (WebSub)', () => ctx.markets.ensure());
  }
  if (config.NOTIFIER_SOCIAL && !socialSecretUsable(config))
    logger.warn(
      'social feed off: SOCIAL_CONSUMER_SECRET is the built-in dev secret (set your own outside dev mode)',
    );
  if (config.NOTIFIER_SOCIAL && socialSecretUsable(config)) {
    feed('social', `a webhook and the rule ${config.NOTIFIER_SOCIAL_RULE} with social`, () =>
      ensureSocialWebhook({
        social: ctx.social,
        url: endpointUrl('/webhooks/social'),
        rule: config.NOTIFIER_SOCIAL_RULE,
        logger,
      }),
    );
  }
  return runtime.running(server);
};
