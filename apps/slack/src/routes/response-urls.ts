import { Hono } from 'hono';
import type { SlackContext } from '../context.ts';
import { useResponseUrl } from '../domain/interactions.ts';

/** The response_url of a slash command (`/commands/…`) or a button (`/actions/…`). */
export function responseUrlRoutes(ctx: SlackContext) {
  const app = new Hono();
  app.post('/:team/:id/:secret', async (c) => {
    const out = useResponseUrl(
      ctx,
      c.req.param('id'),
      c.req.param('secret'),
      await c.req.text(),
      c.req.header('content-type') ?? '',
    );
    if (out.status === 200) return c.json({ ok: true });
    // A clear refusal in Slack's plain words: `expired_url`, `used_url`, `no_service`, `invalid_payload`…
    return c.body(out.error, out.status, { 'content-type': 'text/html; charset=utf-8' });
  });
  return app;
}
