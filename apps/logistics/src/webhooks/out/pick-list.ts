// What logistics SENDS to its own warehouse: one pick list per shipment on a queue (`queue:warehouse-picking`,
// competing pickers, each list handled by one), written to the outbox in the shipment's own transaction. The
// transport wraps it in a CloudEvents envelope (id, source /logistics, type, time, traceparent).
import type { SqliteClient } from '@hooklab/db';
import { formatTraceparent, parseTraceparent } from '@hooklab/service';
import type { NewMessage, SqliteOutbox } from '@hooklab/webhooks';
import type { Shipment } from '../../db/schema.ts';

export const PICK_LIST_CREATED = 'pick_list.created';

/** The queue message for one shipment: one event id per shipment, so a second enqueue is the same message. */
export function pickListMessage(
  shipment: Pick<Shipment, 'id' | 'merchantId' | 'orderId' | 'items' | 'shipTo' | 'traceparent'>,
  queue: string,
  now: number,
): NewMessage {
  const parent = parseTraceparent(shipment.traceparent);
  return {
    endpointId: `queue:${queue}`,
    url: `queue:${queue}`,
    eventType: PICK_LIST_CREATED,
    eventId: `${PICK_LIST_CREATED}.${shipment.id}`,
    body: JSON.stringify({
      shipment_id: shipment.id,
      merchant_id: shipment.merchantId,
      order_id: shipment.orderId,
      lines: shipment.items.map((i) => ({ sku: i.sku, name: i.name ?? null, quantity: i.quantity })),
      // What the packer needs on the parcel; the full address stays with the shipment.
      ship_to: { name: shipment.shipTo.name, city: shipment.shipTo.city, country: shipment.shipTo.country },
      created_at: new Date(now).toISOString(),
    }),
    signing: { scheme: 'none', secrets: [] },
    profile: 'standard',
    ...(parent ? { traceparent: formatTraceparent(parent) } : {}),
  };
}

/** Enqueues the shipment's pick list on `queue` (nothing when it is empty); call it in the shipment's transaction. */
export function enqueuePickList(
  sqlite: SqliteClient,
  outbox: SqliteOutbox,
  shipment: Parameters<typeof pickListMessage>[0],
  queue: string,
  now: number,
): boolean {
  if (!queue) return false;
  outbox.enqueue(sqlite, pickListMessage(shipment, queue, now));
  return true;
}
