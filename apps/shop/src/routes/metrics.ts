import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ShopContext } from '../context.ts';
import { delayOf, summarize } from '../domain/confirmations.ts';
import { requireAdmin } from '../http/auth.ts';

/** `GET /api/metrics/confirmation` (S02): webhook vs polling counters. Back office only: it lists order ids. */
export function metricsRoutes(s: ShopContext) {
  const api = new Hono<ServiceEnv>();
  api.get('/metrics/confirmation', (c) => {
    requireAdmin(c, s);
    const ids = c.req.query('order_ids')?.split(',').filter(Boolean);
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
