// What the notifier RECEIVES from the hub: WebSub verification GETs and the ticker's topic content, both
// handled by the WebSub subscriber of @hooklab/webhooks (see clients/websub.ts); this only mounts it.
import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { NotifierContext } from '../../context.ts';
import { webhookBodyLimit } from '../../http/webhook-verify.ts';

const CODES: Record<number, string> = {
  401: 'signature_missing',
  404: 'not_found',
  405: 'method_not_allowed',
  410: 'gone',
  413: 'payload_too_large',
};
const jsonOnly = (accept: string | undefined) =>
  !!accept && /json/.test(accept) && !/text\/|\*\/\*/.test(accept);

/** `GET|POST /webhooks/markets?subscription=…`: the WebSub callback of every ticker topic. */
export function marketsWebhookRoutes(ctx: NotifierContext) {
  const app = new Hono<ServiceEnv>();
  app.on(['GET', 'POST'], '/', webhookBodyLimit(ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES), async (c) => {
    // Hono may already hold the body (the recorder reads it): hand the subscriber a request of its own.
    const body = c.req.method === 'POST' ? await c.req.arrayBuffer() : undefined;
    const res = await ctx.markets.handle(
      new Request(c.req.url, { method: c.req.method, headers: c.req.raw.headers, body }),
    );
    // WebSub's answers are plain text; a client that accepts JSON alone (not a hub) gets the reason as problem+json.
    if (res.status >= 400 && jsonOnly(c.req.header('accept')))
      throw new ApiError({
        status: res.status as ContentfulStatusCode,
        code: CODES[res.status] ?? 'refused',
        message: await res.text(),
      });
    return res;
  });
  return app;
}
