import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

const ms = (fallback: number, min = 0) => z.coerce.number().int().min(min).max(86_400_000).default(fallback);

/**
 * Every env variable social reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const socialConfigSchema = baseConfigSchema.extend({
  PORT: z.string().optional(),
  SOCIAL_PORT: z.string().optional(),
  /** The dev app's bearer token (app-only auth: rules, webhooks, search) and its consumer secret (CRC, signatures). */
  SOCIAL_DEV_BEARER_TOKEN: z.string().min(16).default('AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer'),
  SOCIAL_DEV_CONSUMER_SECRET: z.string().min(16).default('hooklab-social-notifier-consumer-secret'),
  /** A second app, for tenancy tests: it never sees the first one's rules or webhooks. */
  SOCIAL_OTHER_BEARER_TOKEN: z.string().min(16).default('AAAAAAAAAAAAAAAAAAAAAHooklabOtherAppDevBearer'),
  SOCIAL_OTHER_CONSUMER_SECRET: z.string().min(16).default('hooklab-social-other-app-consumer-secret'),
  /** Prefix of the seeded users' dev tokens: `<prefix><handle>`, e.g. `su_test_atelier`. */
  SOCIAL_DEV_USER_TOKEN_PREFIX: z.string().min(4).default('su_test_'),
  /** How often every webhook's CRC is re-run (X: hourly); 0 turns the re-check off. */
  SOCIAL_CRC_RECHECK_MS: ms(3_600_000),
  /** How long a webhook has to answer a CRC GET (X: 3 s). */
  SOCIAL_CRC_TIMEOUT_MS: ms(3000, 100),
  SOCIAL_MAX_WEBHOOKS_PER_APP: z.coerce.number().int().min(1).max(100).default(5),
  SOCIAL_MAX_RULES_PER_APP: z.coerce.number().int().min(1).max(5000).default(100),
  /** Longest post, in characters (X: 280). */
  SOCIAL_MAX_POST_CHARS: z.coerce.number().int().min(10).max(25_000).default(280),
});

export type SocialConfig = z.infer<typeof socialConfigSchema>;

/** Reads social's config from `env`, listing every problem at once. */
export function loadSocialConfig(env: Record<string, string | undefined>): SocialConfig {
  return loadConfig(socialConfigSchema, env);
}
