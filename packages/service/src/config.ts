import { z } from 'zod';

/** Thrown when the environment does not fit a service's config schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` with a zod object schema, reporting all problems together rather than the first. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** A port number from env, with a default. */
export const portVar = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** A boolean from env: accepts 1/0, true/false, yes/no, on/off. */
export const boolVar = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['1', 'true', 'yes', 'on'].includes(v)));

/** The variables every app reads; apps `.extend()` this. */
export const baseConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `local` compresses retry schedules so people see retries; `real` uses providers' real schedules. */
  WEBHOOK_RETRY_SCHEDULE: z.enum(['local', 'real']).default('local'),
  WEBHOOK_ALLOW_LOOPBACK: boolVar(true),
  WEBHOOK_ALLOW_HOSTS: z.string().default(''),
});
