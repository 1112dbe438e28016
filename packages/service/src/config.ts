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

/** A boolean from env with no default: undefined when unset, so another setting can decide. */
export const optionalBoolVar = () =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(v)));

/** The variables every app reads; apps `.extend()` this. */
export const baseConfigSchema = z.object({
  /**
   * Dev mode: the app runs in the local stack (`pnpm dev`, tests). Only then are the dev-only surfaces
   * served (exchange recorder, dashboards, control API) and loopback callback URLs allowed by default.
   */
  HOOKLAB_DEV: boolVar(false),
  /** Lets a caller off this machine (a console in a container) use the dev-only surfaces, in dev mode only. */
  HOOKLAB_DEV_TOKEN: z
    .string()
    .min(16, 'must have at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `local` compresses retry schedules so people see retries; `real` uses providers' real schedules. */
  WEBHOOK_RETRY_SCHEDULE: z.enum(['local', 'real']).default('local'),
  /** Callback URLs on loopback; unset = allowed in dev mode only. */
  WEBHOOK_ALLOW_LOOPBACK: optionalBoolVar(),
  WEBHOOK_ALLOW_HOSTS: z.string().default(''),
  /** Longest a client may take to send a whole request, headers and body (Node's requestTimeout). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** Longest a client may take to send its headers (capped at the request timeout). */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(10_000),
  /** How long an idle keep-alive connection stays open. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** OTLP/HTTP base URL (Jaeger: http://localhost:4318); set = spans exported to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:4318' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The service name on exported spans; the app's own name (shop, payments…) by default. */
  OTEL_SERVICE_NAME: z
    .string()
    .optional()
    .transform((v) => v || undefined),
});

/** The fields of the base config that serve()'s timeouts read. */
export type HttpTimeoutConfig = Pick<
  z.infer<typeof baseConfigSchema>,
  'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
>;

/** serve()'s `timeouts` from a validated config. */
export function httpTimeoutsOf(config: HttpTimeoutConfig): {
  requestMs: number;
  headersMs: number;
  keepAliveMs: number;
} {
  return {
    requestMs: config.HTTP_REQUEST_TIMEOUT_MS,
    headersMs: config.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}

/** The fields of the base config that the SSRF guard reads. */
export type SsrfConfig = Pick<
  z.infer<typeof baseConfigSchema>,
  'HOOKLAB_DEV' | 'WEBHOOK_ALLOW_LOOPBACK' | 'WEBHOOK_ALLOW_HOSTS'
>;

/**
 * The SSRF guard's options (`SsrfOptions` of @hooklab/webhooks) from a validated config: loopback refused
 * unless `WEBHOOK_ALLOW_LOOPBACK` or dev mode says otherwise, plus the `WEBHOOK_ALLOW_HOSTS` list.
 */
export function ssrfOptionsOf(config: SsrfConfig): { allowLoopback: boolean; allowList: string[] } {
  const allowList = config.WEBHOOK_ALLOW_HOSTS.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK ?? config.HOOKLAB_DEV, allowList };
}
