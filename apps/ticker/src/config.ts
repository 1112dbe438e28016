import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

/**
 * Every env variable ticker reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const tickerConfigSchema = baseConfigSchema.extend({
  /** Largest page a list route returns (an example: replace it with the app's own variables). */
  TICKER_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
});

export type TickerConfig = z.infer<typeof tickerConfigSchema>;

/** Reads ticker's config from `env`, listing every problem at once. */
export function loadTickerConfig(env: Record<string, string | undefined>): TickerConfig {
  return loadConfig(tickerConfigSchema, env);
}
