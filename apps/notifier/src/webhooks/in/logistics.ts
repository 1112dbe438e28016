// What the notifier RECEIVES from logistics as S06's third party: the CloudEvents validation handshake
// (OPTIONS), then shipping results signed with the notify_secret (Standard Webhooks), posted to #shipping.
import { noteSignature, readRawBody, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { NotifierContext } from '../../context.ts';
import { logisticsMessage } from '../../domain/messages.ts';
import { takeIn } from '../../domain/notifications.ts';
import { verifyStandard, webhookBodyLimit } from '../../http/webhook-verify.ts';

/** Whether `origin` may send to us, by NOTIFIER_ALLOWED_ORIGINS (`*` = anyone). */
export function originAllowed(allowed: string, origin: string): boolean {
  const list = allowed
    .split(',')
    .map((o) => o.trim().toLowerCase())
    .filter(Boolean);
  return list.includes('*') || list.includes(origin.trim().toLowerCase());
}

/** `OPTIONS` and `POST /webhooks/logistics`. */
export function logisticsWebhookRoutes(ctx: NotifierContext) {
  const app = new Hono<ServiceEnv>();
  // CloudEvents "HTTP 1.1 Web Hooks" §4.1: consent names the origin back; no header means no consent.
  app.options('/', (c) => {
    const origin = c.req.header('webhook-request-origin');
    c.header('allow', 'OPTIONS, POST');
    if (!origin) return c.body(null, 200);
    if (!originAllowed(ctx.config.NOTIFIER_ALLOWED_ORIGINS, origin)) {
      ctx.logger?.warn({ origin }, 'refused a webhook validation handshake');
      return c.body(null, 403);
    }
    c.header('webhook-allowed-origin', origin);
    const rate = c.req.header('webhook-request-rate');
    if (rate) c.header('webhook-allowed-rate', /^\d+$/.test(rate) ? rate : '*');
    return c.body(null, 200);
  });
  app.post('/', webhookBodyLimit(ctx.config.NOTIFIER_WEBHOOK_MAX_BYTES), async (c) => {
    const raw = await readRawBody(c);
    let event: ReturnType<typeof verifyStandard>;
    try {
      event = verifyStandard(raw, c.req.raw.headers, [ctx.config.NOTIFIER_LOGISTICS_SECRET]);
    } catch (err) {
      noteSignature(c, { verified: false, scheme: 'standard', reason: (err as Error).message });
      throw err;
    }
    noteSignature(c, { verified: true, scheme: 'standard' });
    const fresh = takeIn(ctx, {
      source: 'logistics',
      id: event.id,
      type: event.type,
      message: logisticsMessage(event),
    });
    return c.json({ received: true, duplicate: !fresh });
  });
  return app;
}
