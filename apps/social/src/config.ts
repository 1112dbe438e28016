import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

/**
 * Every env variable social reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const socialConfigSchema = baseConfigSchema.extend({
  /** Largest page a list route returns (an example: replace it with the app's own variables). */
  SOCIAL_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
});

export type SocialConfig = z.infer<typeof socialConfigSchema>;

/** Reads social's config from `env`, listing every problem at once. */
export function loadSocialConfig(env: Record<string, string | undefined>): SocialConfig {
  return loadConfig(socialConfigSchema, env);
}
