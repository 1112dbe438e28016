import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { NotifierContext } from '../context.ts';

/** `GET /api/status`: where each start-up registration stands (scenarios wait on it) and posts still queued. */
export function statusRoutes(ctx: NotifierContext) {
  const api = new Hono<ServiceEnv>();
  api.get('/status', (c) =>
    c.json({
      registrations: { ...ctx.registrations },
      ready: Object.values(ctx.registrations).every((s) => s !== 'pending'),
      // The continuous-update feeds: apart from `ready`, as their providers may well not be running.
      feeds: { ...ctx.feeds },
      pending_posts: ctx.jobs.pending(),
    }),
  );
  return api;
}
