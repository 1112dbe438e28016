import { Hono } from 'hono';
import type { SlackContext } from '../context.ts';
import { postThroughHook } from '../domain/incoming-webhooks.ts';

/** `POST /services/T…/B…/secret`: Slack answers these in plain words (`ok`, `no_text`…) as text/html. */
export function incomingWebhookRoutes(ctx: SlackContext) {
  const app = new Hono();
  app.post('/:team/:id/:secret', async (c) => {
    const out = postThroughHook(ctx, {
      team: c.req.param('team'),
      id: c.req.param('id'),
      secret: c.req.param('secret'),
      raw: await c.req.text(),
      contentType: c.req.header('content-type') ?? '',
    });
    return c.body(out.body, out.status, { 'content-type': 'text/html; charset=utf-8' });
  });
  return app;
}
