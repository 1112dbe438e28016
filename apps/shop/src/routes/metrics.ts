import type { RouteDoc, ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ShopContext } from '../context.ts';
import { delayOf, summarize } from '../domain/confirmations.ts';
import { requireAdmin } from '../http/auth.ts';
import { problem } from '../http/openapi.ts';

export const confirmationMetricsQuery = z.object({
  order_ids: z.string().max(20_000).optional().describe('Comma-separated order ids: only these orders.'),
});

/** `GET /api/metrics/confirmation` (S02): webhook vs polling counters. Back office only: it lists order ids. */
export function metricsRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();
  api.get('/metrics/confirmation', (c) => {
    requireAdmin(c, s);
    const ids = confirmationMetricsQuery.parse(c.req.query()).order_ids?.split(',').filter(Boolean);
    const rows = s.confirmations.list().filter((r) => !ids || ids.includes(r.orderId));
    return c.json({
      object: 'confirmation_metrics',
      interval_ms: s.config.SHOP_POLL_INTERVAL_MS,
      ...summarize(rows),
      orders: rows.map((r) => ({
        order_id: r.orderId,
        mode: r.mode,
        payment_intent_id: r.paymentIntentId,
        requests_made: r.requests,
        requests_nothing_new: r.requestsNothingNew,
        deliveries_received: r.deliveries,
        change_after: r.changeAfter == null ? null : new Date(r.changeAfter).toISOString(),
        change_before: r.changeBefore == null ? null : new Date(r.changeBefore).toISOString(),
        change_source: r.changeSource,
        known_at: r.knownAt == null ? null : new Date(r.knownAt).toISOString(),
        delay_ms: delayOf(r),
        final_status: r.finalStatus,
      })),
    });
  });
  return api;
}

const side = z.looseObject({
  orders: z.number().int(),
  orders_known: z.number().int(),
  requests_made: z.number().int(),
  requests_nothing_new: z.number().int(),
  deliveries_received: z.number().int(),
  change_time_sources: z.record(z.string(), z.number().int()),
});

export const metricsRouteDocs: RouteDoc[] = [
  {
    method: 'GET',
    path: '/api/metrics/confirmation',
    summary: 'Webhook vs polling: how each order learnt it was paid (S02)',
    description: 'Requests made, deliveries received and the delay to knowing, per side and per order.',
    tags: ['Metrics'],
    security: [{ adminKey: [] }],
    query: confirmationMetricsQuery,
    responses: {
      200: {
        description: 'The counters.',
        schema: z.object({
          object: z.literal('confirmation_metrics'),
          interval_ms: z.number().int(),
          webhook: side,
          polling: side,
          orders: z.array(z.looseObject({ order_id: z.string(), mode: z.string(), delay_ms: z.unknown() })),
        }),
      },
      400: problem('A query parameter is invalid.'),
      401: problem('This needs the back-office key.'),
    },
  },
];
