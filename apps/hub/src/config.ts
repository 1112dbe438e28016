import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

/**
 * Every env variable hub reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const hubConfigSchema = baseConfigSchema.extend({
  /** Largest page a list route returns (an example: replace it with the app's own variables). */
  HUB_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
});

export type HubConfig = z.infer<typeof hubConfigSchema>;

/** Reads hub's config from `env`, listing every problem at once. */
export function loadHubConfig(env: Record<string, string | undefined>): HubConfig {
  return loadConfig(hubConfigSchema, env);
}
