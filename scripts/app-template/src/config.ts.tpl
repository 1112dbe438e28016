import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { z } from 'zod';

/**
 * Every env variable __app__ reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for its webhooks come from `ssrfOptionsOf(config)`, never by hand.
 */
export const __camel__ConfigSchema = baseConfigSchema.extend({
  __PORT_FIELD__/** Largest page a list route returns (an example: replace it with the app's own variables). */
  __APP___PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
});

export type __App__Config = z.infer<typeof __camel__ConfigSchema>;

/** Reads __app__'s config from `env`, listing every problem at once. */
export function load__App__Config(env: Record<string, string | undefined>): __App__Config {
  return loadConfig(__camel__ConfigSchema, env);
}
