// What the notifier RECEIVES from payments (or real Stripe): events verified with the official SDK over the raw
// body, taken in once per event id, and posted to #payments after the ack.
import { noteSignature, readRawBody, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { NotifierContext } from '../../context.ts';
import { paymentsMessage } from '../../domain/messages.ts';
import { takeIn } from '../../domain/notifications.ts';
import { verifyStripe, webhookBodyLimit } from '../../http/webhook-verify.ts';

/** `POST /webhooks/payments`: verify (SDK) → dedupe → message queued; answers as soon as that has committed. */
export function paymentsWebhookRoutes(ctx: NotifierContext) {
  const app = new Hono<ServiceEnv>();
  app.post('/', webhookBodyLimit(ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES), async (c) => {
    const raw = await readRawBody(c);
    let event: ReturnType<typeof verifyStripe>;
    try {
      event = verifyStripe(raw, c.req.header('stripe-signature'), ctx.secrets.stripe(), ctx.clock.now());
    } catch (err) {
      noteSignature(c, { verified: false, scheme: 'stripe', reason: (err as Error).message });
      throw err;
    }
    noteSignature(c, { verified: true, scheme: 'stripe' });
    const fresh = takeIn(ctx, {
      source: 'payments',
      id: event.id,
      type: event.type,
      message: paymentsMessage(event as never),
    });
    return c.json({ received: true, duplicate: !fresh });
  });
  return app;
}
