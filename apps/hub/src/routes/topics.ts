import { Hono } from 'hono';
import type { HubContext } from '../context.ts';
import { listTopics } from '../domain/views.ts';
import { limitQuery, parseQuery } from '../http/query.ts';

/** `GET /v1/topics`: topics the hub was pinged about, with their last fetch. */
export function topicRoutes(ctx: HubContext) {
  return new Hono().get('/', (c) => {
    const q = parseQuery(limitQuery, c.req.query());
    return c.json({ object: 'list', data: listTopics(ctx, q.limit ?? ctx.config.HUB_PAGE_LIMIT) });
  });
}
