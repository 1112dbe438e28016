// What the notifier RECEIVES from the hub: WebSub verification GETs and the ticker's topic content, both
// handled by the WebSub subscriber of @hooklab/webhooks (see clients/websub.ts); this only mounts it.
import type { ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { NotifierContext } from '../../context.ts';
import { webhookBodyLimit } from '../../http/webhook-verify.ts';

/** `GET|POST /webhooks/markets?subscription=…`: the WebSub callback of every ticker topic. */
export function marketsWebhookRoutes(ctx: NotifierContext) {
  const app = new Hono<ServiceEnv>();
  app.all('/', webhookBodyLimit(ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES), async (c) => {
    // Hono may already hold the body (the recorder reads it): hand the subscriber a request of its own.
    const body = c.req.method === 'POST' ? await c.req.arrayBuffer() : undefined;
    return ctx.markets.handle(
      new Request(c.req.url, { method: c.req.method, headers: c.req.raw.headers, body }),
    );
  });
  return app;
}
