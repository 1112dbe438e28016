// What the notifier RECEIVES from the shop: order events (Standard Webhooks, verified with `standardwebhooks`),
// taken in once per webhook-id and posted to #orders after the ack.
import { noteSignature, readRawBody, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { NotifierContext } from '../../context.ts';
import { shopMessage } from '../../domain/messages.ts';
import { takeIn } from '../../domain/notifications.ts';
import { verifyStandard, webhookBodyLimit } from '../../http/webhook-verify.ts';

/** `POST /webhooks/shop`: verify → dedupe → message queued; 200 once committed. */
export function shopWebhookRoutes(ctx: NotifierContext) {
  const app = new Hono<ServiceEnv>();
  app.post('/', webhookBodyLimit(ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES), async (c) => {
    const raw = await readRawBody(c);
    let event: ReturnType<typeof verifyStandard>;
    try {
      event = verifyStandard(raw, c.req.raw.headers, ctx.secrets.shop());
    } catch (err) {
      noteSignature(c, { verified: false, scheme: 'standard', reason: (err as Error).message });
      throw err;
    }
    noteSignature(c, { verified: true, scheme: 'standard' });
    const fresh = takeIn(ctx, {
      source: 'shop',
      id: event.id,
      type: event.type,
      message: shopMessage(event),
    });
    return c.json({ received: true, duplicate: !fresh });
  });
  return app;
}
