import { blobSecretProblem, DEV_BLOB_SECRET } from '@hooklab/blobstore';
import { baseConfigSchema, loadConfig, serviceUrls } from '@hooklab/service';
import { z } from 'zod';

const positiveMs = (fallback: number) => z.coerce.number().int().min(0).max(3_600_000).default(fallback);

/** Every env variable logistics reads, with defaults that work on a laptop (docs/contracts.md). */
export const logisticsConfigSchema = baseConfigSchema.extend({
  PORT: z.string().optional(),
  LOGISTICS_PORT: z.string().optional(),
  SHOP_URL: z.string().optional(),
  /** Public base URL (for blob and label links); defaults to the URL the server is bound to. */
  LOGISTICS_PUBLIC_URL: z.url().optional(),
  LOGISTICS_DEV_MERCHANT_ID: z.string().min(1).default('mer_atelier'),
  LOGISTICS_DEV_API_KEY: z.string().min(8).default('lg_test_hooklab'),
  LOGISTICS_DEV_READONLY_KEY: z.string().min(8).default('lg_test_readonly'),
  LOGISTICS_DEV_INBOUND_SECRET: z
    .string()
    .startsWith('whsec_')
    .default('whsec_aG9va2xhYi1sb2dpc3RpY3MtaW5ib3VuZC1kZXYtc2VjcmV0'),
  LOGISTICS_DEV_CALLBACK_SECRET: z
    .string()
    .startsWith('whsec_')
    .default('whsec_aG9va2xhYi1sb2dpc3RpY3MtY2FsbGJhY2stZGV2LXNlY3JldA=='),
  /** The dev merchant's default callback endpoint; default `${SHOP_URL}/webhooks/logistics`. */
  LOGISTICS_DEV_CALLBACK_URL: z.url().optional(),
  /** A second merchant, for tenancy tests. */
  LOGISTICS_OTHER_MERCHANT_ID: z.string().min(1).default('mer_other'),
  LOGISTICS_OTHER_API_KEY: z.string().min(8).default('lg_test_other'),
  LOGISTICS_OTHER_INBOUND_SECRET: z
    .string()
    .startsWith('whsec_')
    .default('whsec_aG9va2xhYi1sb2dpc3RpY3Mtb3RoZXItbWVyY2hhbnQtaW5ib3VuZA=='),
  LOGISTICS_OTHER_CALLBACK_SECRET: z
    .string()
    .startsWith('whsec_')
    .default('whsec_aG9va2xhYi1sb2dpc3RpY3Mtb3RoZXItbWVyY2hhbnQtY2FsbGJhY2s='),
  LOGISTICS_STAGE_MS: positiveMs(1500),
  /** The warehouse's queue: each new shipment's pick list goes to `queue:<this>`; empty turns it off. */
  LOGISTICS_PICK_LIST_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,128}$/, 'a queue name: up to 128 of A-Z a-z 0-9 . _ -')
    .default('warehouse-picking'),
  LOGISTICS_QUOTE_MS: positiveMs(3000),
  /** Job steps run at once; lower keeps API latency flatter under a burst, at the cost of a backlog. */
  /** API requests per second per API key before a 429 with Retry-After; 0 turns the limit off. */
  LOGISTICS_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(50),
  LOGISTICS_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Host name sent as `WebHook-Request-Origin` in the CloudEvents validation handshake. */
  LOGISTICS_WEBHOOK_ORIGIN: z.string().min(1).default('logistics.hooklab.localhost'),
  LOGISTICS_INBOUND_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  BLOBSTORE: z.enum(['local', 's3']).default('local'),
  BLOBSTORE_DIR: z.string().optional(),
  /** Signs the local store's blob URLs; the built-in dev secret is refused outside dev mode. */
  BLOBSTORE_SECRET: z.string().min(16).default(DEV_BLOB_SECRET),
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).default('hooklab-logistics'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().default('S3RVER'),
  MANIFEST_URL_TTL_SEC: z.coerce.number().int().min(1).max(604_800).default(86_400),
});

export type LogisticsConfig = z.infer<typeof logisticsConfigSchema> & {
  /** Resolved default callback URL of the dev merchant. */
  devCallbackUrl: string;
};

// The shipped blob URL secret signs links anyone can forge: a config error at start outside dev mode.
const startableSchema = logisticsConfigSchema.superRefine((c, ctx) => {
  const problem = c.BLOBSTORE === 'local' && blobSecretProblem(c.BLOBSTORE_SECRET, { dev: c.HOOKLAB_DEV });
  if (problem) ctx.addIssue({ code: 'custom', path: ['BLOBSTORE_SECRET'], message: problem });
});

/** Parses the env (all problems at once) and resolves defaults that depend on other services' URLs. */
export function loadLogisticsConfig(env: Record<string, string | undefined>): LogisticsConfig {
  const parsed = loadConfig(startableSchema, env);
  return {
    ...parsed,
    devCallbackUrl: parsed.LOGISTICS_DEV_CALLBACK_URL ?? `${serviceUrls(env).shop}/webhooks/logistics`,
  };
}
