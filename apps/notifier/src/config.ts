import { baseConfigSchema, boolVar, loadConfig, serviceUrls } from '@hooklab/service';
import { z } from 'zod';

const secret = z.string().startsWith('whsec_');

/**
 * Every env variable notifier reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const notifierConfigSchema = baseConfigSchema.extend({
  /** Where the Web API lives; default `${SLACK_URL}/api/` (real Slack: `https://slack.com/api/`). */
  SLACK_API_URL: z.url().optional(),
  /** The bot token it posts with (real Slack: the app's `xoxb-…`). */
  SLACK_BOT_TOKEN: z.string().min(1).default('xoxb-hooklab'),
  /** Checks Slack's `X-Slack-Signature` on events, commands and actions (real Slack: the app's signing secret). */
  SLACK_SIGNING_SECRET: z.string().min(8).default('hooklab-slack-signing-secret-dev'),
  /** Registers the app's event subscription, slash command and interactivity URL with apps/slack at start. */
  SLACK_REGISTER_APP: boolVar(true),
  /** apps/slack's admin API key (registration only; real Slack is set up in its app settings instead). */
  SLACK_ADMIN_KEY: z.string().min(8).default('slack_admin_hooklab'),
  /** Which channel each kind of event goes to. */
  NOTIFIER_CHANNEL_ORDERS: z.string().min(1).default('#orders'),
  NOTIFIER_CHANNEL_PAYMENTS: z.string().min(1).default('#payments'),
  NOTIFIER_CHANNEL_SHIPPING: z.string().min(1).default('#shipping'),
  /** Key for the payments API (refunds, endpoint registration): the payments dev key or a Stripe test key. */
  STRIPE_SECRET_KEY: z.string().min(1).default('sk_test_hooklab'),
  /** A fixed Stripe endpoint secret (a dashboard-made endpoint); unset = register one with payments. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The shop's back-office key: reads orders and registers the shop webhook endpoint. */
  SHOP_ADMIN_KEY: z.string().min(1).default('shop_admin_hooklab'),
  /** A fixed secret for the shop's order events; unset = register an endpoint with the shop. */
  SHOP_WEBHOOK_SECRET: secret.optional(),
  /** The secret logistics signs shipping results with (the `notify_secret` the shop puts on shipments). */
  NOTIFIER_LOGISTICS_SECRET: secret.default('whsec_aG9va2xhYi1ub3RpZmllci1sb2dpc3RpY3MtZGV2LXNlY3JldA=='),
  /** Senders allowed by the CloudEvents handshake (`WebHook-Request-Origin`), comma-separated; `*` = any. */
  NOTIFIER_ALLOWED_ORIGINS: z.string().default('logistics.hooklab.localhost'),
  /** Public base URL providers call back (registration); defaults to NOTIFIER_URL or the bound address. */
  NOTIFIER_PUBLIC_URL: z.url().optional(),
  /** First delay between registration attempts while a provider is down (doubles to 30 s). */
  NOTIFIER_REGISTER_RETRY_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Continuous updates (issue 11): the channels the two feeds post into. */
  NOTIFIER_CHANNEL_MARKETS: z.string().min(1).default('#markets'),
  NOTIFIER_CHANNEL_SOCIAL: z.string().min(1).default('#social'),
  /** Subscribe to the ticker's topics through their hub at start-up (WebSub) and post threshold alerts. */
  NOTIFIER_MARKETS: boolVar(true),
  /** The symbols to watch, comma-separated; empty = every symbol the ticker lists (`GET /quotes`). */
  NOTIFIER_MARKET_SYMBOLS: z
    .string()
    .regex(/^\s*([A-Za-z0-9]{1,10}\s*(,\s*[A-Za-z0-9]{1,10}\s*)*)?$/, 'a comma-separated list of symbols')
    .default(''),
  /**
   * Alert when a price moves this many percent from the last alerted price (at first, the first price seen):
   * `SYMBOL:PCT` pairs, `*` for every other symbol, e.g. `ACME:0.5,*:2`.
   */
  NOTIFIER_MARKET_ALERTS: z
    .string()
    .regex(
      /^\s*([A-Za-z0-9]{1,10}|\*):\d+(\.\d+)?\s*(,\s*([A-Za-z0-9]{1,10}|\*):\d+(\.\d+)?\s*)*$/,
      'SYMBOL:PERCENT pairs, comma-separated (* = any other symbol), e.g. ACME:0.5,*:1',
    )
    .default('*:1'),
  /** The lease asked of the hub (it clamps it); the subscriber renews before it ends. */
  NOTIFIER_MARKET_LEASE_SECONDS: z.coerce.number().int().min(1).max(864_000).default(3600),
  /** Register a webhook and a rule with apps/social at start-up and post every matching post. */
  NOTIFIER_SOCIAL: boolVar(true),
  /** The rule whose matches go to #social (social's rule syntax). */
  NOTIFIER_SOCIAL_RULE: z.string().min(1).max(512).default('#dresses'),
  /** social's app credentials: the bearer token (API) and the consumer secret (CRC answers, signatures). */
  SOCIAL_BEARER_TOKEN: z.string().min(1).default('AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer'),
  SOCIAL_CONSUMER_SECRET: z.string().min(8).default('hooklab-social-notifier-consumer-secret'),
  NOTIFIER_WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024),
});

export type NotifierConfigInput = z.infer<typeof notifierConfigSchema>;

/** The parsed env plus the other services' URLs it talks to. */
export interface NotifierConfig extends NotifierConfigInput {
  slackApiUrl: string;
  slackUrl: string;
  shopUrl: string;
  paymentsUrl: string;
  tickerUrl: string;
  socialUrl: string;
  /** Set when NOTIFIER_PUBLIC_URL or NOTIFIER_URL says where providers reach us; else the bound address. */
  publicUrl: string | undefined;
}

/** The shipped secrets: anyone can read them here, so they are refused outside dev mode. */
export const DEV_SECRETS = {
  SLACK_SIGNING_SECRET: 'hooklab-slack-signing-secret-dev',
  NOTIFIER_LOGISTICS_SECRET: 'whsec_aG9va2xhYi1ub3RpZmllci1sb2dpc3RpY3MtZGV2LXNlY3JldA==',
} as const;

// With a published secret, anyone could post "shipped" or "order paid" into the team's channels.
const startableSchema = notifierConfigSchema.superRefine((c, ctx) => {
  if (c.HOOKLAB_DEV) return;
  for (const [key, value] of Object.entries(DEV_SECRETS)) {
    if (c[key as keyof typeof DEV_SECRETS] === value)
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'the built-in dev secret is refused outside dev mode; set your own',
      });
  }
});

/** Reads notifier's config from `env`, listing every problem at once. */
export function loadNotifierConfig(env: Record<string, string | undefined>): NotifierConfig {
  const parsed = loadConfig(startableSchema, env);
  return resolveNotifierConfig(parsed, env);
}

/** Adds the service URLs to an already parsed config (tests parse the schema themselves). */
export function resolveNotifierConfig(
  parsed: NotifierConfigInput,
  env: Record<string, string | undefined>,
): NotifierConfig {
  const urls = serviceUrls(env);
  const slackApiUrl = parsed.SLACK_API_URL ?? `${urls.slack}/api/`;
  return {
    ...parsed,
    slackUrl: urls.slack,
    slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/`,
    shopUrl: urls.shop,
    paymentsUrl: urls.payments,
    tickerUrl: urls.ticker,
    socialUrl: urls.social,
    publicUrl: (parsed.NOTIFIER_PUBLIC_URL ?? env.NOTIFIER_URL)?.replace(/\/+$/, ''),
  };
}

/** The channel kinds events are sorted into. */
export type ChannelKind = 'orders' | 'payments' | 'shipping' | 'markets' | 'social';

export function channelOf(config: NotifierConfig, kind: ChannelKind): string {
  return {
    orders: config.NOTIFIER_CHANNEL_ORDERS,
    payments: config.NOTIFIER_CHANNEL_PAYMENTS,
    shipping: config.NOTIFIER_CHANNEL_SHIPPING,
    markets: config.NOTIFIER_CHANNEL_MARKETS,
    social: config.NOTIFIER_CHANNEL_SOCIAL,
  }[kind];
}
