import { baseConfigSchema, boolVar, loadConfig } from '@hooklab/service';
import { z } from 'zod';

const keyVar = (prefix: string, fallback: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[A-Za-z0-9_]{1,200}$`), `must look like ${prefix}…`)
    .default(fallback);

const intVar = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** Every env variable the payments app reads, with laptop defaults (docs/contracts.md). */
export const paymentsConfigSchema = baseConfigSchema.extend({
  PAYMENTS_SECRET_KEY: keyVar('sk_test_', 'sk_test_hooklab'),
  PAYMENTS_RESTRICTED_KEY: keyVar('rk_test_', 'rk_test_hooklab'),
  PAYMENTS_PUBLISHABLE_KEY: keyVar('pk_test_', 'pk_test_hooklab'),
  PAYMENTS_OTHER_SECRET_KEY: keyVar('sk_test_', 'sk_test_other'),
  /** A fixed signing secret for every new endpoint, like `stripe listen`; unset = random per endpoint. */
  PAYMENTS_DEV_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, 'must look like whsec_…')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Base URL the hosted pages are served from; default: the URL the server listens on. */
  PAYMENTS_PUBLIC_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** How long a bank-debit-like payment stays `processing` before it settles. */
  PAYMENTS_PROCESSING_DELAY_MS: intVar(3000),
  PAYMENTS_MAX_BODY_BYTES: intVar(256 * 1024, 1024),
  PAYMENTS_CHECKOUT_EXPIRES_SECONDS: intVar(24 * 3600, 60),
  PAYMENTS_IDEMPOTENCY_TTL_HOURS: intVar(24, 1),
  /**
   * Disable an endpoint once its deliveries have failed this long with no success. Unset: the Stripe
   * profile's window, 3 days with WEBHOOK_RETRY_SCHEDULE=real and 72 minutes in local mode.
   */
  PAYMENTS_ENDPOINT_DISABLE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PAYMENTS_DASHBOARD: boolVar(true),
  /**
   * Requests per second per API key before a 429 (Stripe allows 100/s in live mode, 25/s in test mode);
   * 0 turns the limit off (the benchmarks do).
   */
  PAYMENTS_RATE_LIMIT_PER_SECOND: intVar(100),
});

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;

/** The one place payments reads its environment. */
export const loadPaymentsConfig = (env: Record<string, string | undefined>): PaymentsConfig =>
  loadConfig(paymentsConfigSchema, env);
