import { Hono } from 'hono';
import type { HubContext } from '../context.ts';
import { recentDeliveries } from '../domain/deliveries.ts';
import { deliveriesQuery, parseQuery } from '../http/query.ts';

/** `GET /v1/deliveries`: recent distribution messages, newest first. */
export function deliveryRoutes(ctx: HubContext) {
  return new Hono().get('/', async (c) => {
    const q = parseQuery(deliveriesQuery, c.req.query());
    return c.json({
      object: 'list',
      data: await recentDeliveries(ctx, q.limit ?? ctx.config.HUB_PAGE_LIMIT),
    });
  });
}
