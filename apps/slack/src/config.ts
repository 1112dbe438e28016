import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** The dev signing secret and admin key: printed at start-up, so never trusted outside dev mode. */
export const DEV_SIGNING_SECRET = 'hooklab-slack-signing-secret-dev';
export const DEV_ADMIN_KEY = 'slack_admin_hooklab';

/**
 * Every env variable slack reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const slackConfigSchema = baseConfigSchema.extend({
  PORT: z.string().optional(),
  SLACK_PORT: z.string().optional(),
  /** Base URL that response_url and incoming webhook URLs start with; default the bound address. */
  SLACK_PUBLIC_URL: z.url().optional(),
  SLACK_TEAM_ID: z
    .string()
    .regex(/^T[A-Z0-9]{2,}$/, 'must look like T0123ABCD')
    .default('T0HOOKLAB'),
  SLACK_TEAM_NAME: z.string().min(1).default('Hooklab'),
  SLACK_TEAM_DOMAIN: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('hooklab'),
  /** Human members (`name` or `name:Real Name`), then the seeded channels. */
  SLACK_USERS: list('ada:Ada Lovelace,grace:Grace Hopper,linus:Linus Torvalds'),
  SLACK_CHANNELS: list('orders,payments,shipping,social,markets'),
  /** The seeded app and its bot user. */
  SLACK_APP_NAME: z.string().min(1).default('Hooklab Notifier'),
  SLACK_BOT_NAME: z
    .string()
    .regex(/^[a-z0-9._-]+$/)
    .default('notifier'),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-').default('xoxb-hooklab'),
  SLACK_BOT_SCOPES: list(
    'chat:write,chat:write.public,channels:read,channels:history,channels:join,channels:manage,users:read,reactions:write,commands,app_mentions:read,incoming-webhook',
  ),
  /** A token of the first human user. */
  SLACK_USER_TOKEN: z.string().startsWith('xoxp-').default('xoxp-hooklab'),
  SLACK_USER_SCOPES: list('chat:write,channels:read,channels:history,users:read,reactions:write'),
  SLACK_SIGNING_SECRET: z.string().min(16).default(DEV_SIGNING_SECRET),
  /** Bearer key of the admin API (`/admin/…`); the default is refused outside dev mode. */
  SLACK_ADMIN_KEY: z.string().min(16).default(DEV_ADMIN_KEY),
  /** Web API rate limits: the tier's calls per minute × this scale (0 = off), counted per window. */
  SLACK_RATE_LIMIT_SCALE: z.coerce.number().min(0).max(1000).default(1),
  SLACK_RATE_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Largest page a list method returns (`limit`'s ceiling). */
  SLACK_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(1000),
  /** How long a response_url is good for, and how many times. */
  SLACK_RESPONSE_URL_TTL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000),
  SLACK_RESPONSE_URL_MAX_USES: z.coerce.number().int().min(1).default(5),
  /** Slack's ack window: events, commands and actions must be answered within it. */
  SLACK_ACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
});

export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** Reads slack's config from `env`, listing every problem at once. */
export function loadSlackConfig(env: Record<string, string | undefined>): SlackConfig {
  return loadConfig(slackConfigSchema, env);
}

const SHOWN_DEFAULTS = [
  'SLACK_TEAM_ID',
  'SLACK_BOT_TOKEN',
  'SLACK_USER_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_ADMIN_KEY',
] as const;

/** The start-up banner's lines: dev defaults in use, shown so a person can connect; values from env never. */
export function devDefaultLines(config: SlackConfig, env: Record<string, string | undefined>): string[] {
  return SHOWN_DEFAULTS.filter((name) => !env[name]).map((name) => `  ${name}=${config[name]} (dev default)`);
}
