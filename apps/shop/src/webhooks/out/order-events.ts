// What the shop SENDS to the third parties registered at /v1/webhook_endpoints: one Standard Webhooks message
// per endpoint for each order status change it subscribed to, enqueued in the transaction that changes the order.
import type { SqliteClient } from '@hooklab/db';
import { currentTrace, formatTraceparent } from '@hooklab/service';
import type { NewMessage } from '@hooklab/webhooks';
import type { ShopDb } from '../../db/index.ts';
import { type WebhookEndpoint, webhookEndpoints } from '../../db/schema.ts';
import type { OrderStatus } from '../../domain/order-status.ts';
import type { OrderView } from '../../domain/orders.ts';
import type { OrderOutbox } from './order-created.ts';

/** The order events a third party can subscribe to: one per status an order moves to, and tracking updates. */
export const ORDER_EVENT_TYPES = [
  'order.paid',
  'order.payment_failed',
  'order.fulfilled',
  'order.tracking_updated',
  'order.delivered',
  'order.fulfilment_failed',
  'order.refunded',
] as const;

export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export function isOrderEventType(v: string): v is OrderEventType {
  return (ORDER_EVENT_TYPES as readonly string[]).includes(v);
}

/** What an order event carries: the order as a back office sees it, without the customer's e-mail or address. */
export function orderEventData(order: OrderView) {
  return {
    order_id: order.id,
    status: order.status,
    amount_total: order.amount_total,
    currency: order.currency,
    customer_name: order.customer.name,
    items: order.items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity })),
    payment_intent_id: order.payment.payment_intent_id,
    ...(order.shipment
      ? { carrier: order.shipment.carrier, tracking_number: order.shipment.tracking_number }
      : {}),
    ...(order.refund ? { amount_refunded: order.refund.amount_refunded } : {}),
    url: order.url,
  };
}

const subscribes = (e: Pick<WebhookEndpoint, 'enabledEvents'>, type: string) =>
  e.enabledEvents.includes('*') || e.enabledEvents.includes(type);

/** One message per endpoint that wants `type`; the event id is per order and type, the same for every endpoint. */
export function orderEventMessages(
  endpoints: WebhookEndpoint[],
  order: OrderView,
  to: OrderStatus,
  now: number,
): NewMessage[] {
  const type = `order.${to}`;
  if (!isOrderEventType(type)) return [];
  return messagesFor(endpoints, type, `${type}.${order.id}`, orderEventData(order), now);
}

/** What logistics said about the parcel (its `tracking.updated` callback). */
export interface TrackingUpdate {
  status: string;
  location?: string | undefined;
  at?: string | undefined;
}

/**
 * `order.tracking_updated`: the order plus the parcel's new status; one event per logistics callback
 * (`updateId`, its webhook-id), so two updates are two events and a redelivered callback is none.
 */
export function trackingEventMessages(
  endpoints: WebhookEndpoint[],
  order: OrderView,
  update: TrackingUpdate,
  updateId: string,
  now: number,
): NewMessage[] {
  const type = 'order.tracking_updated';
  const tracking = {
    status: update.status,
    ...(update.location ? { location: update.location } : {}),
    ...(update.at ? { at: update.at } : {}),
  };
  const data = { ...orderEventData(order), tracking };
  return messagesFor(endpoints, type, `${type}.${order.id}.${updateId}`, data, now);
}

function messagesFor(
  endpoints: WebhookEndpoint[],
  type: OrderEventType,
  eventId: string,
  data: Record<string, unknown>,
  now: number,
): NewMessage[] {
  const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
  const trace = currentTrace();
  return endpoints
    .filter((e) => subscribes(e, type))
    .map((e) => ({
      endpointId: `endpoint:${e.id}`,
      url: e.url,
      eventType: type,
      eventId,
      body,
      signing: { scheme: 'standard', secrets: [e.secret] },
      profile: 'standard',
      traceparent: trace ? formatTraceparent(trace) : undefined,
    }));
}

/** Enqueues the order's event for every subscribed endpoint; call it inside the transaction that moved the order. */
export function enqueueOrderEvents(
  outbox: OrderOutbox,
  tx: SqliteClient,
  db: ShopDb,
  order: OrderView,
  to: OrderStatus,
  now: number,
): number {
  const messages = orderEventMessages(db.select().from(webhookEndpoints).all(), order, to, now);
  for (const m of messages) outbox.enqueue(tx, m);
  return messages.length;
}

/** Enqueues `order.tracking_updated` for every subscribed endpoint; call it inside the transaction that notes it. */
export function enqueueTrackingEvents(
  outbox: OrderOutbox,
  tx: SqliteClient,
  db: ShopDb,
  order: OrderView,
  update: TrackingUpdate,
  updateId: string,
  now: number,
): number {
  const endpoints = db.select().from(webhookEndpoints).all();
  const messages = trackingEventMessages(endpoints, order, update, updateId, now);
  for (const m of messages) outbox.enqueue(tx, m);
  return messages.length;
}
