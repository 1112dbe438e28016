import { ApiError, formatTraceparent, type ServiceEnv } from '@hooklab/service';
import { createSqliteInbox, verifyWebhook, type WebhookEnv } from '@hooklab/webhooks';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { LogisticsContext } from '../../context.ts';
import { type Merchant, merchants } from '../../db/schema.ts';
import { createShipment } from '../../domain/shipments.ts';
import { inboundOrderSchema, orderSchema } from '../../http/input.ts';

type InboundEnv = ServiceEnv &
  WebhookEnv & { Variables: ServiceEnv['Variables'] & WebhookEnv['Variables'] & { merchant: Merchant } };

/**
 * `POST /v1/inbound/orders`: merchants' `order.created` webhooks (Standard Webhooks, signed with the
 * secret of the merchant named by `x-merchant-id`), deduped by (merchant, webhook-id), answered 202 at once.
 */
export function shopWebhookRoutes(ctx: LogisticsContext) {
  const app = new Hono<InboundEnv>();
  // The table is the app's (migration 0001); the id is recorded in the shipment's own transaction.
  const inbox = createSqliteInbox(ctx.sqlite, {
    table: 'inbound_webhooks',
    columns: { scope: 'merchant_id', id: 'webhook_id', receivedAt: 'received_at' },
    create: false,
  });

  app.use('/orders', async (c, next) => {
    const id = c.req.header('x-merchant-id');
    const merchant = id ? ctx.db.select().from(merchants).where(eq(merchants.id, id)).get() : undefined;
    if (!merchant) {
      // Like Shopify's shop-domain header: it only says whose secret to check; unknown → nothing to verify with.
      throw new ApiError({
        status: 401,
        code: id ? 'unknown_merchant' : 'merchant_required',
        message: id
          ? 'No merchant with this x-merchant-id'
          : 'Send x-merchant-id naming the merchant whose secret signed this',
      });
    }
    c.set('merchant', merchant);
    await next();
  });
  app.use(
    '/orders',
    verifyWebhook<InboundEnv>({
      scheme: 'standard',
      getSecrets: (c) => [c.get('merchant').inboundSecret],
      inbox,
      // A webhook-id is unique per sender: two merchants may well use the same one.
      inboxScope: (c) => c.get('merchant').id,
      maxBodyBytes: ctx.config.LOGISTICS_INBOUND_MAX_BYTES,
      now: () => ctx.clock.now(),
    }),
  );

  app.post('/orders', async (c) => {
    const envelope = inboundOrderSchema.safeParse(c.get('webhook').payload);
    if (!envelope.success) {
      throw new ApiError({
        status: 400,
        code: 'malformed_event',
        message: 'Expected a JSON body {type, timestamp, data}',
      });
    }
    if (envelope.data.type !== 'order.created') {
      return c.json({ received: true, ignored: envelope.data.type }, 200);
    }
    const order = orderSchema.parse(envelope.data.data);
    if (order.callback_url) await ctx.guard.assert(order.callback_url, 'callback_url');
    const webhook = c.get('webhook');
    // The inbox row and the shipment commit together: no window where one exists without the other.
    const created = ctx.sqlite.transaction(() => {
      if (!webhook.claim()) return null; // a concurrent copy of this message got here first
      return createShipment(ctx, {
        merchant: c.get('merchant'),
        source: 'webhook',
        order,
        traceparent: formatTraceparent(c.get('trace')),
      });
    })();
    if (!created) return c.json({ duplicate: true }, 200);
    const { shipment } = created;
    c.header('location', `/v1/shipments/${shipment.id}`);
    return c.json({ shipment_id: shipment.id, status_url: `/v1/shipments/${shipment.id}` }, 202);
  });
  return app;
}
