// What the shop RECEIVES from logistics: Standard Webhooks callbacks, verified over the raw body, kept once per
// `webhook-id` (the inbox row commits with the order change), then applied to the order.

import type { SqliteClient } from '@hooklab/db';
import {
  ApiError,
  type Logger,
  noteSignature,
  type RouteDoc,
  readRawBody,
  type ServiceEnv,
} from '@hooklab/service';
import { Hono } from 'hono';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import type { ShopContext } from '../../context.ts';
import type { ShopDb } from '../../db/index.ts';
import { inbox } from '../../db/schema.ts';
import { queueManifest } from '../../domain/manifests.ts';
import type { Orders } from '../../domain/orders.ts';
import type { Refunds } from '../../domain/refunds.ts';
import { problem, receivedSchema } from '../../http/openapi.ts';
import { refuse, webhookBodyLimit } from '../../http/webhook-body.ts';
import type { OrderOutbox } from '../out/order-created.ts';
import { enqueueTrackingEvents } from '../out/order-events.ts';

const str = z.string().min(1).max(2000);

/** The callbacks logistics sends (docs/contracts.md), checked after the signature. */
export const logisticsCallbackSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('shipment.fulfilled'),
    data: z.object({
      shipment_id: str,
      order_id: str,
      carrier: str,
      tracking_number: str,
      label_url: str.optional(),
      status: str.optional(),
    }),
  }),
  z.object({
    type: z.literal('shipment.failed'),
    data: z.object({ shipment_id: str, order_id: str, reason: str }),
  }),
  z.object({
    type: z.literal('tracking.updated'),
    data: z.object({
      shipment_id: str,
      order_id: str,
      status: str,
      location: str.optional(),
      at: str.optional(),
    }),
  }),
  z.object({
    type: z.literal('shipment.delivered'),
    data: z.object({ shipment_id: str, order_id: str, delivered_at: str.optional() }),
  }),
  z.object({
    type: z.literal('manifest.ready'),
    data: z.object({
      manifest_id: str,
      date: str.optional(),
      url: z.string().url().max(4000),
      size: z.number().int().nonnegative(),
      content_type: str.optional(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/i),
      expires_at: str.optional(),
    }),
  }),
]);

export type LogisticsCallback = z.infer<typeof logisticsCallbackSchema>;

export interface CallbackOutcome {
  duplicate: boolean;
  action: string;
  orderId?: string;
  manifestId?: string;
}

/** Applies one verified callback once (inbox keyed by `webhook-id`), in one transaction with the order change. */
export function handleLogisticsCallback(
  deps: {
    db: ShopDb;
    orders: Orders;
    now: () => number;
    logger?: Logger;
    refunds?: Pick<Refunds, 'requestForUnshippable'>;
    /** Given: the update is also sent as `order.tracking_updated` to subscribed endpoints (same transaction). */
    outbox?: OrderOutbox;
    sqlite?: SqliteClient;
  },
  webhookId: string,
  msg: LogisticsCallback,
): CallbackOutcome {
  const { orders } = deps;
  return orders.inTransaction((): CallbackOutcome => {
    const fresh = deps.db
      .insert(inbox)
      .values({ source: 'logistics', messageId: webhookId, type: msg.type, receivedAt: deps.now() })
      .onConflictDoNothing()
      .run();
    if (fresh.changes === 0) return { duplicate: true, action: 'duplicate' };
    const source = `logistics:${webhookId}`;
    switch (msg.type) {
      case 'shipment.fulfilled': {
        const d = msg.data;
        const r = orders.signal(d.order_id, 'shipment_fulfilled', {
          source,
          patch: {
            shipmentId: d.shipment_id,
            carrier: d.carrier,
            trackingNumber: d.tracking_number,
            labelUrl: d.label_url ?? null,
            trackingStatus: d.status ?? 'shipped',
          },
          detail: { carrier: d.carrier, tracking_number: d.tracking_number },
        });
        return {
          duplicate: false,
          orderId: d.order_id,
          action: r.found ? (r.transition?.kind ?? 'none') : 'unknown_order',
        };
      }
      case 'shipment.failed': {
        const d = msg.data;
        const r = orders.signal(d.order_id, 'shipment_failed', {
          source,
          patch: { shipmentId: d.shipment_id, failureReason: d.reason },
          detail: { reason: d.reason },
        });
        // It will not ship, so the customer gets the money back (recorded here, sent after commit).
        if (r.transition?.kind === 'move') deps.refunds?.requestForUnshippable(d.order_id, d.reason);
        return {
          duplicate: false,
          orderId: d.order_id,
          action: r.found ? (r.transition?.kind ?? 'none') : 'unknown_order',
        };
      }
      case 'tracking.updated': {
        const d = msg.data;
        const current = orders.get(d.order_id);
        if (!current) return { duplicate: false, orderId: d.order_id, action: 'unknown_order' };
        // A tracking update never rewinds a delivered parcel's status on the page.
        const patch =
          current.status === 'delivered'
            ? { trackingLocation: d.location ?? null }
            : { trackingStatus: d.status, trackingLocation: d.location ?? null };
        orders.note(d.order_id, 'shipment.tracking', {
          source,
          patch,
          detail: { status: d.status, location: d.location, at: d.at },
        });
        if (deps.outbox && deps.sqlite) {
          const update = { status: d.status, location: d.location, at: d.at };
          const order = orders.get(d.order_id)!;
          enqueueTrackingEvents(deps.outbox, deps.sqlite, deps.db, order, update, webhookId, deps.now());
        }
        return { duplicate: false, orderId: d.order_id, action: 'noted' };
      }
      case 'shipment.delivered': {
        const d = msg.data;
        const r = orders.signal(d.order_id, 'shipment_delivered', {
          source,
          patch: { shipmentId: d.shipment_id, trackingStatus: 'delivered' },
          detail: { delivered_at: d.delivered_at },
        });
        return {
          duplicate: false,
          orderId: d.order_id,
          action: r.found ? (r.transition?.kind ?? 'none') : 'unknown_order',
        };
      }
      case 'manifest.ready': {
        const d = msg.data;
        queueManifest(
          deps.db,
          {
            id: d.manifest_id,
            date: d.date ?? null,
            url: d.url,
            contentType: d.content_type ?? null,
            size: d.size,
            sha256: d.sha256,
            expiresAt: d.expires_at ?? null,
          },
          deps.now(),
        );
        return { duplicate: false, action: 'manifest_queued', manifestId: d.manifest_id };
      }
    }
  });
}

/** `POST /webhooks/logistics`: verify → dedupe → order change; `manifest.ready` then starts the download. */
export function logisticsWebhookRoutes(s: ShopContext) {
  const hooks = new Hono<ServiceEnv>();

  // The secret is fixed config: decode it once, not per callback.
  const logisticsWebhook = new Webhook(s.config.LOGISTICS_WEBHOOK_SECRET);
  hooks.post('/', webhookBodyLimit, async (c) => {
    const raw = await readRawBody(c);
    const headers = {
      'webhook-id': c.req.header('webhook-id') ?? '',
      'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
      'webhook-signature': c.req.header('webhook-signature') ?? '',
    };
    let payload: unknown;
    try {
      payload = logisticsWebhook.verify(raw, headers);
    } catch (err) {
      const message = err instanceof WebhookVerificationError ? err.message : 'Invalid webhook';
      s.logger?.warn({ reason: message }, 'refused a logistics callback');
      noteSignature(c, { verified: false, scheme: 'standard', reason: message });
      throw refuse(message);
    }
    noteSignature(c, { verified: true, scheme: 'standard' });
    const parsed = logisticsCallbackSchema.safeParse(payload);
    if (!parsed.success) {
      const known =
        typeof payload === 'object' && payload && 'type' in payload
          ? String((payload as { type: unknown }).type)
          : '';
      // An event type we do not know yet is acknowledged, so the sender does not retry it for days.
      if (known && !logisticsCallbackSchema.options.some((o) => o.shape.type.value === known)) {
        return c.json({ received: true, action: 'ignored_type' });
      }
      throw new ApiError({
        status: 422,
        code: 'invalid_callback',
        message: parsed.error.issues[0]?.message ?? 'Invalid callback body',
      });
    }
    const outcome = handleLogisticsCallback(s, headers['webhook-id'], parsed.data);
    if (outcome.manifestId && !outcome.duplicate) s.onManifest?.(outcome.manifestId);
    return c.json({ received: true, ...outcome });
  });

  return hooks;
}

/** The Standard Webhooks headers; the verifier checks them (a missing one is a 400 like a bad signature). */
export const standardWebhookHeaders = z.object({
  'webhook-id': z.string().describe('`msg_…`: the shop applies each message once.'),
  'webhook-timestamp': z.string().describe('Unix seconds; refused when more than 5 minutes away.'),
  'webhook-signature': z
    .string()
    .describe('`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated when several.'),
});

export const logisticsWebhookRouteDocs: RouteDoc[] = [
  {
    method: 'POST',
    path: '/webhooks/logistics',
    summary: 'Receive logistics callbacks (Standard Webhooks)',
    description:
      'Verified over the raw body with LOGISTICS_WEBHOOK_SECRET, applied once per `webhook-id`. An unknown `type` is acknowledged (`ignored_type`) so it is not retried; `manifest.ready` starts the manifest download.',
    tags: ['Webhooks in'],
    security: [],
    headers: standardWebhookHeaders,
    body: { schema: logisticsCallbackSchema },
    responses: {
      200: { description: 'Applied, already applied (`duplicate`) or ignored.', schema: receivedSchema },
      400: problem('Missing headers, a bad signature or a timestamp too far away.'),
      413: problem('The body is over 512 KiB.'),
      422: problem('A known callback type with an invalid body.'),
    },
  },
];
