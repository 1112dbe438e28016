import { Hono } from 'hono';
import type { HubContext } from '../context.ts';
import { listSubscriptions } from '../domain/views.ts';
import { parseQuery, subscriptionsQuery } from '../http/query.ts';

/** `GET /v1/subscriptions`: active subscriptions, lease left and last delivery (no secrets). */
export function subscriptionRoutes(ctx: HubContext) {
  return new Hono().get('/', (c) => {
    const q = parseQuery(subscriptionsQuery, c.req.query());
    return c.json({
      object: 'list',
      data: listSubscriptions(ctx, { topic: q.topic, limit: q.limit ?? ctx.config.HUB_PAGE_LIMIT }),
    });
  });
}
