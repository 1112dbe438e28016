import type { SqliteClient } from '@hooklab/db';
import { ApiError, newId } from '@hooklab/service';
import { and, eq } from 'drizzle-orm';
import type { LogisticsContext } from '../context.ts';
import { type Address, type Merchant, type Shipment, type ShipmentItem, shipments } from '../db/schema.ts';
import { enqueuePickList } from '../webhooks/out/pick-list.ts';
import { CANCELLABLE } from './pipeline.ts';

/** An order as the API and the shop's `order.created` both describe it. */
export interface OrderInput {
  order_id: string;
  items: ShipmentItem[];
  ship_to: Address;
  callback_url?: string | undefined;
}

export interface CreateShipmentInput {
  merchant: Merchant;
  source: 'api' | 'webhook';
  order: OrderInput;
  notifyUrl?: string | undefined;
  notifySecret?: string | undefined;
  traceparent: string | null;
}

/**
 * Creates a shipment and its pipeline job in one transaction. One shipment per (merchant, order_id):
 * a repeated order.created returns the existing one; an API create of a known order is a 409.
 */
export function createShipment(
  ctx: LogisticsContext,
  input: CreateShipmentInput,
): { shipment: Shipment; created: boolean } {
  const { db, jobs, clock, config } = ctx;
  const sql = statementsFor(ctx.sqlite);
  const byId = (id: string) => db.select().from(shipments).where(eq(shipments.id, id)).get()!;
  const result = ctx.sqlite.transaction(() => {
    const existing = sql.findByOrder.get(input.merchant.id, input.order.order_id);
    if (existing) {
      if (input.source === 'webhook') return { shipment: byId(existing.id), created: false };
      throw new ApiError({
        status: 409,
        code: 'duplicate_order',
        message: `Order ${input.order.order_id} already has shipment ${existing.id}`,
        param: 'order_id',
        extra: { shipment_id: existing.id },
      });
    }
    const now = clock.now();
    const row: Shipment = {
      id: newId('shp'),
      merchantId: input.merchant.id,
      orderId: input.order.order_id,
      source: input.source,
      items: input.order.items,
      shipTo: input.order.ship_to,
      status: 'picking',
      failureReason: null,
      callbackUrl: input.order.callback_url ?? null,
      notifyUrl: input.notifyUrl ?? null,
      notifySecret: input.notifySecret ?? null,
      notifyStatus: input.notifyUrl ? 'pending' : null,
      carrier: null,
      service: null,
      trackingNumber: null,
      labelUrl: null,
      events: [{ status: 'picking', at: new Date(now).toISOString() }],
      traceparent: input.traceparent,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    };
    sql.insert.run({
      ...row,
      items: JSON.stringify(row.items),
      shipTo: JSON.stringify(row.shipTo),
      events: JSON.stringify(row.events),
    });
    jobs.schedule({ kind: 'shipment', subjectId: row.id, runAt: now + config.LOGISTICS_STAGE_MS });
    enqueuePickList(ctx.sqlite, ctx.outbox, row, config.LOGISTICS_PICK_LIST_QUEUE, now);
    return { shipment: row, created: true };
  })();
  if (result.created) jobs.wake();
  return result;
}

/** The merchant's shipment; another merchant's is indistinguishable from a missing one (404). */
export function findShipment(ctx: LogisticsContext, merchantId: string, id: string): Shipment {
  const s = ctx.db
    .select()
    .from(shipments)
    .where(and(eq(shipments.id, id), eq(shipments.merchantId, merchantId)))
    .get();
  if (!s)
    throw new ApiError({ status: 404, code: 'not_found', message: `Shipment ${id.slice(0, 64)} not found` });
  return s;
}

/** Cancels a shipment until its label is bought (again: the same answer); later → 409 `not_cancellable`. */
export function cancelShipment(ctx: LogisticsContext, merchantId: string, id: string): Shipment {
  return ctx.sqlite.transaction(() => {
    const s = findShipment(ctx, merchantId, id);
    if (s.status === 'canceled') return s;
    if (!CANCELLABLE.has(s.status)) {
      throw new ApiError({
        status: 409,
        code: 'not_cancellable',
        message: `Shipment ${s.id} is ${s.status}; it can only be canceled before the label is bought`,
        extra: { status: s.status },
      });
    }
    const now = ctx.clock.now();
    const next: Partial<Shipment> = {
      status: 'canceled',
      updatedAt: now,
      completedAt: now,
      events: [...s.events, { status: 'canceled', at: new Date(now).toISOString() }],
    };
    // Its pending job finds a canceled shipment and ends there.
    ctx.db.update(shipments).set(next).where(eq(shipments.id, s.id)).run();
    return { ...s, ...next } as Shipment;
  })();
}

// The create path is the hot one (see the bench): statements prepared once per connection.
const prepared = new WeakMap<SqliteClient, ReturnType<typeof prepare>>();
function prepare(sqlite: SqliteClient) {
  return {
    findByOrder: sqlite.prepare<[string, string], { id: string }>(
      'SELECT id FROM shipments WHERE merchant_id = ? AND order_id = ?',
    ),
    insert: sqlite.prepare(
      `INSERT INTO shipments (id, merchant_id, order_id, source, items, ship_to, status, failure_reason, callback_url,
         notify_url, notify_secret, notify_status, carrier, service, tracking_number, label_url, events, traceparent,
         created_at, updated_at, completed_at)
       VALUES (@id, @merchantId, @orderId, @source, @items, @shipTo, @status, @failureReason, @callbackUrl,
         @notifyUrl, @notifySecret, @notifyStatus, @carrier, @service, @trackingNumber, @labelUrl, @events, @traceparent,
         @createdAt, @updatedAt, @completedAt)`,
    ),
  };
}
function statementsFor(sqlite: SqliteClient) {
  let s = prepared.get(sqlite);
  if (!s) {
    s = prepare(sqlite);
    prepared.set(sqlite, s);
  }
  return s;
}
