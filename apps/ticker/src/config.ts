import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

/**
 * Every env variable ticker reads, each with a default that works on a laptop. The only file that reads
 * the environment. Where the hub and the ticker itself are reached comes from the kit's service map
 * (`HUB_URL`, `TICKER_URL`) unless the two overrides below say otherwise.
 */
export const tickerConfigSchema = baseConfigSchema.extend({
  /** Comma-separated symbols to list (ACME, GLOBEX, INITECH, UMBRL, HOOLI have names and opening prices). */
  TICKER_SYMBOLS: z
    .string()
    .default('ACME,GLOBEX,INITECH,UMBRL,HOOLI')
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim().toUpperCase())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(z.string().regex(/^[A-Z][A-Z0-9.]{0,9}$/, 'symbols are 1–10 letters or digits'))
        .min(1)
        .max(50),
    ),
  /** Price changes per second for each symbol; 0 stops the walk (prices then move only through the API). */
  TICKER_UPDATES_PER_SECOND: z.coerce.number().min(0).max(1000).default(1),
  /** Largest relative step of one change: 0.002 is 0.2 %. */
  TICKER_VOLATILITY: z.coerce.number().positive().max(0.5).default(0.002),
  /** Changes kept per symbol (history API, the topic's `recent`). */
  TICKER_HISTORY: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** The hub publishers ping and subscribers are sent to; default the hub app's `POST /`. */
  TICKER_HUB_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The ticker's own public base URL, used in topic URLs; default `TICKER_URL` from the service map. */
  TICKER_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type TickerConfig = z.infer<typeof tickerConfigSchema>;

/** Reads ticker's config from `env`, listing every problem at once. */
export function loadTickerConfig(env: Record<string, string | undefined>): TickerConfig {
  return loadConfig(tickerConfigSchema, env);
}
