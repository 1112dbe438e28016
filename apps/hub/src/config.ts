import { baseConfigSchema, loadConfig } from '@hooklab/service';
import { HUB_ALGORITHMS } from '@hooklab/webhooks';
import { z } from 'zod';

function isOriginOrStar(o: string): boolean {
  return o === '' || o === '*' || (URL.canParse(o) && /^https?:$/.test(new URL(o).protocol));
}

const seconds = z.coerce.number().int().min(1).max(31_536_000);

/**
 * Every env variable hub reads, each with a default that works on a laptop. The only file that reads
 * the environment; SSRF options for callbacks and topic fetches come from `ssrfOptionsOf(config)`.
 */
export const hubConfigSchema = baseConfigSchema.extend({
  /** Largest page a list route returns. */
  HUB_PAGE_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
  /** The hub's own URL as publishers advertise it (`rel="hub"`); default the bound URL + `/`. */
  HUB_PUBLIC_URL: z.url().optional(),
  /** Comma-separated topic origins the hub serves (`https://ticker.example`); `*` serves any. Others are denied. */
  HUB_TOPIC_ORIGINS: z
    .string()
    .default('*')
    .refine(
      (v) => v.split(',').every((o) => isOriginOrStar(o.trim())),
      'a comma-separated list of http(s) origins, or *',
    ),
  /** Lease bounds; unset, the minimum is 5 s with the local retry schedule (watch a lease run out) and 5 min otherwise. */
  HUB_LEASE_MIN_SECONDS: seconds.optional(),
  HUB_LEASE_MAX_SECONDS: seconds.default(864_000),
  /** The lease given when the subscriber asks for none (clamped like any other). */
  HUB_LEASE_DEFAULT_SECONDS: seconds.default(86_400),
  /** `X-Hub-Signature` algorithm when the subscriber does not ask for one with `hub.signature_algorithm`. */
  HUB_SIGNATURE_ALGORITHM: z.enum(HUB_ALGORITHMS as ['sha1', 'sha256', 'sha384', 'sha512']).default('sha256'),
  /** Largest topic content the hub fetches and distributes. */
  HUB_MAX_CONTENT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Deliveries in flight at once (the outbox dispatcher's concurrency and socket count). */
  HUB_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  /** Deadline of one verification GET or topic fetch. */
  HUB_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type HubConfig = z.infer<typeof hubConfigSchema> & {
  /** Resolved lease bounds in seconds. */
  leaseMinSeconds: number;
  leaseMaxSeconds: number;
  /** Allowed topic origins, or null for any. */
  topicOrigins: string[] | null;
};

/** Resolves the values that depend on others (lease minimum on the retry schedule, the origin list). */
export function resolveHubConfig(parsed: z.infer<typeof hubConfigSchema>): HubConfig {
  const min = parsed.HUB_LEASE_MIN_SECONDS ?? (parsed.WEBHOOK_RETRY_SCHEDULE === 'local' ? 5 : 300);
  const list = parsed.HUB_TOPIC_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    ...parsed,
    leaseMinSeconds: Math.min(min, parsed.HUB_LEASE_MAX_SECONDS),
    leaseMaxSeconds: parsed.HUB_LEASE_MAX_SECONDS,
    topicOrigins: list.length === 0 || list.includes('*') ? null : list.map((o) => new URL(o).origin),
  };
}

/** Reads hub's config from `env`, listing every problem at once. */
export function loadHubConfig(env: Record<string, string | undefined>): HubConfig {
  return resolveHubConfig(loadConfig(hubConfigSchema, env));
}
