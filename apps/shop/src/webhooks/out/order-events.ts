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

/** The order events a third party can subscribe to: one per status an order moves to. */
export const ORDER_EVENT_TYPES = [
  'order.paid',
  'order.payment_failed',
  'order.fulfilled',
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
  const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data: orderEventData(order) });
  const trace = currentTrace();
  return endpoints
    .filter((e) => subscribes(e, type))
    .map((e) => ({
      endpointId: `endpoint:${e.id}`,
      url: e.url,
      eventType: type,
      eventId: `${type}.${order.id}`,
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
