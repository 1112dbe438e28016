import { createJobRunner, type JobRunner, type SqliteClient } from '@hooklab/db';
import { type ExchangeRecorder, type FetchLike, type Logger, ssrfOptionsOf } from '@hooklab/service';
import {
  type Clock,
  createSqliteInbox,
  guardedFetch,
  type SqliteInbox,
  systemClock,
} from '@hooklab/webhooks';
import type { WebClient } from '@slack/web-api';
import type Stripe from 'stripe';
import { createStripeClient } from './clients/payments.ts';
import { createShopClient, type ShopClient } from './clients/shop.ts';
import { createSlackClient } from './clients/slack.ts';
import { createSocialClient, type SocialClient } from './clients/social.ts';
import { createMarketsFeed, type MarketsFeed } from './clients/websub.ts';
import type { NotifierConfig } from './config.ts';
import type { NotifierDb } from './db/index.ts';
import { type TopicQuote, takeInQuote } from './domain/markets.ts';
import { POST_JOB, postJob } from './domain/notifications.ts';

/** The secrets each sender signs with right now (fixed by env, or learnt when registering). */
export interface SenderSecrets {
  stripe(): string[];
  shop(): string[];
  slack(): string[];
}

/** Where a start-up registration stands: done, set by env instead, switched off, or still trying. */
export type RegistrationState = 'registered' | 'fixed_secret' | 'disabled' | 'pending';

/** notifier's one deps container: everything createApp, the bot and the jobs need, built by main.ts or a test. */
export interface NotifierContext {
  config: NotifierConfig;
  db: NotifierDb;
  sqlite: SqliteClient;
  clock: Clock;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  /** For calls to other services' APIs: traced and recorded (clients/ uses it). */
  fetch: FetchLike;
  /** Webhook ids already taken in, per sender (the engine's sqlite inbox on our `webhook_inbox` table). */
  inbox: SqliteInbox;
  /** Durable `post` jobs (not started: main.ts or a test starts it). */
  jobs: JobRunner;
  slack: WebClient;
  stripe: Stripe;
  shop: ShopClient;
  secrets: SenderSecrets;
  /** Where providers reach us, without a trailing slash (known only after listening with PORT=0). */
  publicUrl: () => string;
  /** Start-up registration with each provider (main.ts updates it). */
  registrations: Record<'payments' | 'shop' | 'slack', RegistrationState>;
  /** Continuous updates (issue 11): social's API, the WebSub subscription to the ticker, where each stands. */
  social: SocialClient;
  markets: MarketsFeed;
  feeds: Record<'markets' | 'social', RegistrationState>;
}

export interface NotifierContextInput {
  config: NotifierConfig;
  db: NotifierDb;
  sqlite: SqliteClient;
  clock?: Clock | undefined;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  fetch?: FetchLike | undefined;
  slack?: WebClient | undefined;
  stripe?: Stripe | undefined;
  secrets?: Partial<SenderSecrets> | undefined;
  publicUrl?: (() => string) | undefined;
}

/** Builds the context on an open, migrated database; what is not given gets its real default. */
export function createNotifierContext(input: NotifierContextInput): NotifierContext {
  const { config } = input;
  const clock = input.clock ?? systemClock;
  const fetch = input.fetch ?? globalThis.fetch;
  const slack =
    input.slack ??
    createSlackClient({ token: config.SLACK_BOT_TOKEN, slackApiUrl: config.slackApiUrl, fetch });
  const ctx: NotifierContext = {
    config,
    db: input.db,
    sqlite: input.sqlite,
    clock,
    recorder: input.recorder,
    logger: input.logger,
    fetch,
    inbox: createSqliteInbox(input.sqlite, { create: false }),
    slack,
    stripe:
      input.stripe ??
      createStripeClient({ secretKey: config.STRIPE_SECRET_KEY, paymentsUrl: config.paymentsUrl, fetch }),
    shop: createShopClient({ shopUrl: () => config.shopUrl, adminKey: config.SHOP_ADMIN_KEY, fetch }),
    secrets: {
      stripe:
        input.secrets?.stripe ?? (() => (config.STRIPE_WEBHOOK_SECRET ? [config.STRIPE_WEBHOOK_SECRET] : [])),
      shop: input.secrets?.shop ?? (() => (config.SHOP_WEBHOOK_SECRET ? [config.SHOP_WEBHOOK_SECRET] : [])),
      slack: input.secrets?.slack ?? (() => [config.SLACK_SIGNING_SECRET]),
    },
    publicUrl: input.publicUrl ?? (() => config.publicUrl ?? 'http://localhost:3005'),
    registrations: { payments: 'disabled', shop: 'disabled', slack: 'disabled' },
    social: createSocialClient({
      baseUrl: () => config.socialUrl,
      bearerToken: config.SOCIAL_BEARER_TOKEN,
      fetch,
    }),
    markets: undefined as unknown as MarketsFeed,
    feeds: { markets: 'disabled', social: 'disabled' },
    jobs: undefined as unknown as JobRunner,
  };
  ctx.markets = createMarketsFeed({
    tickerUrl: config.tickerUrl,
    symbols: config.NOTIFIER_MARKET_SYMBOLS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    leaseSeconds: config.NOTIFIER_MARKET_LEASE_SECONDS,
    // Topic and hub URLs come from the ticker's answers: through the SSRF guard.
    fetch: (url, init) =>
      guardedFetch(String(url), init, {
        ssrf: ssrfOptionsOf(config),
        fetch: fetch as (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
      }),
    logger: input.logger,
    dev: config.HOOKLAB_DEV,
    onContent: (content) => {
      let quote: TopicQuote;
      try {
        quote = JSON.parse(content.text()) as TopicQuote;
      } catch {
        input.logger?.warn({ topic: content.topic }, 'a topic delivery that is not JSON; ignored');
        return;
      }
      if (
        typeof quote?.symbol !== 'string' ||
        !Number.isFinite(quote.price) ||
        !Number.isInteger(quote.seq)
      ) {
        input.logger?.warn({ topic: content.topic }, 'a topic delivery that is not a quote; ignored');
        return;
      }
      takeInQuote(ctx, quote, content.topic);
    },
  });
  ctx.jobs = createJobRunner({
    sqlite: input.sqlite,
    clock,
    handlers: { [POST_JOB]: postJob(ctx) },
    logger: input.logger,
    retryMs: 500,
  });
  return ctx;
}
