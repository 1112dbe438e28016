import { baseConfigSchema, boolVar } from '@hooklab/service';
import { z } from 'zod';

/** The shop's environment: every key it reads, with defaults that work on a laptop (docs/contracts.md). */
export const shopConfigSchema = baseConfigSchema.extend({
  /** The public URL customers' browsers use (success_url, cancel_url); defaults to SHOP_URL. */
  SHOP_PUBLIC_URL: z.string().url().optional(),
  STRIPE_SECRET_KEY: z.string().min(1).default('sk_test_hooklab'),
  /** Set it to use a fixed endpoint secret (like `stripe listen`, or a real Stripe dashboard endpoint). */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Skip registering the endpoint through the API (real Stripe with a dashboard-made endpoint). */
  STRIPE_REGISTER_ENDPOINT: boolVar(true),
  SHOP_CURRENCY: z.string().length(3).default('eur'),
  SHOP_PAYMENT_CONFIRMATION: z.enum(['webhook', 'polling']).default('webhook'),
  SHOP_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  SHOP_POLL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(10 * 60_000),
  LOGISTICS_MERCHANT_ID: z.string().min(1).default('mer_atelier'),
  LOGISTICS_API_KEY: z.string().min(1).default('lg_test_hooklab'),
  LOGISTICS_INBOUND_SECRET: z
    .string()
    .startsWith('whsec_')
    .default('whsec_aG9va2xhYi1sb2dpc3RpY3MtaW5ib3VuZC1kZXYtc2VjcmV0'),
  LOGISTICS_WEBHOOK_SECRET: z
    .string()
    .startsWith('whsec_')
    .default('whsec_aG9va2xhYi1sb2dpc3RpY3MtY2FsbGJhY2stZGV2LXNlY3JldA=='),
  /** How long a checkout holds the dresses (and the Checkout Session's `expires_at`): Stripe allows 30–1440. */
  SHOP_CHECKOUT_HOLD_MINUTES: z.coerce.number().int().min(30).max(1440).default(30),
  /** The back office's key (`Authorization: Bearer …`) to read every order; unset outside dev mode = no back office. */
  SHOP_ADMIN_KEY: z.string().min(16).max(200).optional(),
  /** E-mail the customer (mailto: through the outbox) when the order is paid and when it ships. */
  SHOP_CUSTOMER_EMAILS: boolVar(true),
  /** Largest manifest the shop will download, in bytes. */
  SHOP_MANIFEST_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(200 * 1024 * 1024),
});

export type ShopConfigInput = z.infer<typeof shopConfigSchema>;

/** The back-office key in dev mode when SHOP_ADMIN_KEY is unset (docs/contracts.md). Never outside dev mode. */
export const DEV_ADMIN_KEY = 'shop_admin_hooklab';

/** The key that opens the back office, if any: SHOP_ADMIN_KEY, else the dev key in dev mode only. */
export function adminKeyOf(
  config: Pick<ShopConfigInput, 'SHOP_ADMIN_KEY' | 'HOOKLAB_DEV'>,
): string | undefined {
  return config.SHOP_ADMIN_KEY ?? (config.HOOKLAB_DEV ? DEV_ADMIN_KEY : undefined);
}

/** The resolved config: env plus the service URLs the shop talks to. */
export interface ShopConfig extends ShopConfigInput {
  shopUrl: string;
  publicUrl: string;
  paymentsUrl: string;
  logisticsUrl: string;
}
