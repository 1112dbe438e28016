import { baseConfigSchema } from '@hooklab/service';
import { z } from 'zod';

const intVar = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Every env variable the console reads, with laptop defaults. It finds the apps through the kit's service map. */
export const consoleConfigSchema = baseConfigSchema.extend({
  /** How long to wait before trying an app that is down again. */
  CONSOLE_RETRY_MS: intVar(2000, 50, 60_000),
  /** Exchanges asked from each app's ring the first time it is reached (what happened before the console). */
  CONSOLE_BACKLOG: intVar(1000, 0, 100_000),
  /** Exchanges the console keeps, all apps together. */
  CONSOLE_MAX_EXCHANGES: intVar(20_000, 100, 1_000_000),
  /** The payments key the scenarios use (the dev key of the stand-in by default). */
  STRIPE_SECRET_KEY: z.string().min(1).default('sk_test_hooklab'),
  /** The logistics key the scenarios use. */
  LOGISTICS_API_KEY: z.string().min(1).default('lg_test_hooklab'),
});

export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
