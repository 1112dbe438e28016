import type { RouteDoc, ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
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

export const statusRouteDocs: RouteDoc[] = [
  {
    method: 'GET',
    path: '/api/status',
    summary: "The shop's settings and readiness",
    description:
      'How orders are confirmed by default, and whether the Stripe webhook endpoint is registered yet.',
    tags: ['Status'],
    security: [],
    responses: {
      200: {
        description: 'The status.',
        schema: z.object({
          service: z.literal('shop'),
          payment_confirmation_default: z.enum(['webhook', 'polling']),
          poll_interval_ms: z.number().int(),
          stripe_webhook: z.object({
            ready: z.boolean(),
            mode: z
              .enum(['registered', 'fixed_secret', 'pending', 'disabled'])
              .describe(
                '`registered`: an endpoint made through the API; `fixed_secret`: STRIPE_WEBHOOK_SECRET.',
              ),
            endpoint_id: z.string().nullable(),
            url: z.string(),
          }),
        }),
      },
    },
  },
];
