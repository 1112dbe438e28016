import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';

/** `GET /api/status`: the confirmation default and whether the Stripe endpoint is ready (scenarios wait on it). */
export function statusRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();
  api.get('/status', (c) => {
    const hook = s.stripeWebhookStatus?.() ?? {
      ready: s.stripeWebhookSecrets().length > 0,
      mode: 'fixed_secret',
    };
    return c.json({
      service: 'shop',
      payment_confirmation_default: s.config.SHOP_PAYMENT_CONFIRMATION,
      poll_interval_ms: s.config.SHOP_POLL_INTERVAL_MS,
      stripe_webhook: {
        ready: hook.ready,
        mode: hook.mode,
        endpoint_id: hook.endpointId ?? null,
        url: `${s.config.shopUrl}/webhooks/stripe`,
      },
    });
  });
  return api;
}
