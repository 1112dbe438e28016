// What the shop SENDS: `order.created` to logistics once an order is paid (docs/contracts.md), signed with the
// Standard Webhooks scheme and enqueued into the outbox inside the transaction that marks the order paid.
import type { SqliteClient } from '@hooklab/db';
import { currentTrace, formatTraceparent } from '@hooklab/service';
import type { NewMessage } from '@hooklab/webhooks';
import type { Order, OrderItem } from '../../db/schema.ts';

export const ORDER_CREATED = 'order.created';

/** What the delivery engine's outbox offers the shop: an insert that joins our open transaction. */
export interface OrderOutbox {
  enqueue(tx: SqliteClient, message: NewMessage): unknown;
}

/** Where and as whom the shop sends it (read at each use: with PORT=0 the callback URL is known late). */
export interface OrderCreatedTarget {
  logisticsUrl: string;
  /** Where logistics sends its callbacks for this order. */
  callbackUrl: string;
  merchantId: string;
  inboundSecret: string;
}

/** The outbox message for one paid order: one event id per order, so a second enqueue is the same message. */
export function orderCreatedMessage(
  order: Pick<Order, 'id' | 'shipTo'>,
  items: Pick<OrderItem, 'sku' | 'productId' | 'name' | 'quantity'>[],
  target: OrderCreatedTarget,
  now: number,
): NewMessage {
  const body = JSON.stringify({
    type: ORDER_CREATED,
    timestamp: new Date(now).toISOString(),
    data: {
      order_id: order.id,
      items: items.map((i) => ({ sku: i.sku ?? i.productId, name: i.name, quantity: i.quantity })),
      ship_to: order.shipTo,
      callback_url: target.callbackUrl,
    },
  });
  const trace = currentTrace();
  return {
    endpointId: `logistics:${target.merchantId}`,
    url: `${target.logisticsUrl}/v1/inbound/orders`,
    eventType: ORDER_CREATED,
    eventId: `${ORDER_CREATED}.${order.id}`,
    body,
    headers: { 'x-merchant-id': target.merchantId },
    signing: { scheme: 'standard', secrets: [target.inboundSecret] },
    profile: 'standard',
    traceparent: trace ? formatTraceparent(trace) : undefined,
  };
}

/** Enqueues `order.created`; call it inside the transaction that moves the order to paid. */
export function enqueueOrderCreated(
  outbox: OrderOutbox,
  tx: SqliteClient,
  ...args: Parameters<typeof orderCreatedMessage>
): void {
  outbox.enqueue(tx, orderCreatedMessage(...args));
}
