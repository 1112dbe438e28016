import type { SqliteClient } from '@hooklab/db';
import { newId } from '@hooklab/service';
import { and, asc, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import {
  type Order,
  type OrderEvent,
  type OrderItem,
  orderEvents,
  orderItems,
  orders,
  type ShipTo,
} from '../db/schema.ts';
import { enqueueOrderCreated, type OrderOutbox } from '../webhooks/out/order-created.ts';
import type { OrderBus } from './order-bus.ts';
import {
  isOrderStatus,
  type OrderSignal,
  type OrderStatus,
  type Transition,
  transition,
} from './order-status.ts';
import { restock, sellStock } from './stock.ts';

export type ConfirmationMode = 'webhook' | 'polling';

export interface OrdersDeps {
  db: ShopDb;
  sqlite: SqliteClient;
  bus: OrderBus;
  now: () => number;
  outbox: OrderOutbox;
  /** Read at each use: with PORT=0 the shop's own URL is only known once it listens. */
  urls: () => { publicUrl: string; logisticsUrl: string; callbackUrl: string };
  logistics: { merchantId: string; inboundSecret: string };
  /** Called inside the transaction that moved an order (the order as it now is): third parties' order events. */
  onStatusChange?: (order: OrderView, to: OrderStatus, now: number) => void;
}

export interface NewOrderInput {
  lines: { productId: string; sku: string | null; name: string; unitAmountCents: number; quantity: number }[];
  currency: string;
  customer: { name: string; email: string };
  shipTo: ShipTo;
  confirmation: ConfirmationMode;
  /** The customer session placing it (the bag cookie); undefined for back-office orders. */
  sessionId?: string;
}

/** The order as the JSON API and the pages show it. */
export interface OrderView {
  id: string;
  object: 'order';
  status: OrderStatus;
  confirmation: ConfirmationMode;
  customer: { name: string; email: string };
  ship_to: ShipTo;
  items: {
    product_id: string;
    sku: string | null;
    name: string;
    quantity: number;
    unit_amount: number;
    amount: number;
  }[];
  amount_total: number;
  currency: string;
  payment: {
    checkout_session_id: string | null;
    payment_intent_id: string | null;
    /** A delayed payment (bank debit) is on its way: not paid yet, and nothing to pay meanwhile. */
    processing: boolean;
  };
  /** Machine-readable (`out_of_stock`, `generic_decline: …`); pages translate it for customers. */
  failure_reason: string | null;
  refund: {
    status: 'pending' | 'requested' | 'failed' | 'refunded';
    id: string | null;
    amount_refunded: number;
  } | null;
  shipment: {
    id: string | null;
    carrier: string | null;
    tracking_number: string | null;
    label_url: string | null;
    tracking_status: string | null;
    location: string | null;
  } | null;
  created_at: string;
  paid_at: string | null;
  fulfilled_at: string | null;
  delivered_at: string | null;
  refunded_at: string | null;
  url: string;
}

/** Extra columns a signal may set alongside the status (carrier, tracking…). */
export type OrderPatch = Partial<
  Pick<
    Order,
    | 'paymentIntentId'
    | 'checkoutSessionId'
    | 'failureReason'
    | 'shipmentId'
    | 'carrier'
    | 'trackingNumber'
    | 'labelUrl'
    | 'trackingStatus'
    | 'trackingLocation'
    | 'paymentProcessing'
    | 'amountRefundedCents'
  >
>;

export interface SignalResult {
  found: boolean;
  transition?: Transition;
  order?: OrderView;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** The shop's orders: creation, reads, and every status change (in one transaction with its side effects). */
export function createOrders(deps: OrdersDeps) {
  const { db, sqlite, bus } = deps;
  let pendingChanges: { orderId: string; eventId: number; type: string }[] | null = null;

  function view(order: Order, items: OrderItem[]): OrderView {
    const shipped = order.shipmentId || order.carrier || order.trackingNumber;
    return {
      id: order.id,
      object: 'order',
      status: isOrderStatus(order.status) ? order.status : 'pending_payment',
      confirmation: order.confirmation === 'polling' ? 'polling' : 'webhook',
      customer: { name: order.customerName, email: order.customerEmail },
      ship_to: order.shipTo,
      items: items.map((i) => ({
        product_id: i.productId,
        sku: i.sku,
        name: i.name,
        quantity: i.quantity,
        unit_amount: i.unitAmountCents,
        amount: i.unitAmountCents * i.quantity,
      })),
      amount_total: order.amountCents,
      currency: order.currency,
      payment: {
        checkout_session_id: order.checkoutSessionId,
        payment_intent_id: order.paymentIntentId,
        processing: order.paymentProcessing,
      },
      failure_reason: order.failureReason,
      refund: refundView(order),
      shipment: shipped
        ? {
            id: order.shipmentId,
            carrier: order.carrier,
            tracking_number: order.trackingNumber,
            label_url: order.labelUrl,
            tracking_status: order.trackingStatus,
            location: order.trackingLocation,
          }
        : null,
      created_at: new Date(order.createdAt).toISOString(),
      paid_at: iso(order.paidAt),
      fulfilled_at: iso(order.fulfilledAt),
      delivered_at: iso(order.deliveredAt),
      refunded_at: iso(order.refundedAt),
      url: `${deps.urls().publicUrl}/orders/${order.id}`,
    };
  }

  function row(id: string): Order | undefined {
    return db.select().from(orders).where(eq(orders.id, id)).get();
  }

  function get(id: string): OrderView | undefined {
    const order = row(id);
    if (!order) return undefined;
    return view(
      order,
      db.select().from(orderItems).where(eq(orderItems.orderId, id)).orderBy(asc(orderItems.id)).all(),
    );
  }

  function recordEvent(e: Omit<OrderEvent, 'id' | 'at'>): number {
    const inserted = db
      .insert(orderEvents)
      .values({ ...e, at: deps.now() })
      .returning({ id: orderEvents.id })
      .get();
    pendingChanges?.push({ orderId: e.orderId, eventId: inserted.id, type: e.type });
    return inserted.id;
  }

  /** Runs `fn` in one SQLite transaction; order changes are published to SSE only after it commits. */
  function inTransaction<T>(fn: () => T): T {
    if (pendingChanges) return fn();
    const changes: { orderId: string; eventId: number; type: string }[] = [];
    pendingChanges = changes;
    let result: T;
    try {
      result = sqlite.transaction(fn)();
    } finally {
      pendingChanges = null;
    }
    for (const c of changes) {
      const order = get(c.orderId);
      if (order) bus.publish({ ...c, order });
    }
    return result;
  }

  function sendOrderCreated(order: Order): void {
    const items = db
      .select()
      .from(orderItems)
      .where(eq(orderItems.orderId, order.id))
      .orderBy(asc(orderItems.id))
      .all();
    const { logisticsUrl, callbackUrl } = deps.urls();
    const target = { logisticsUrl, callbackUrl, ...deps.logistics };
    enqueueOrderCreated(deps.outbox, sqlite, order, items, target, deps.now());
  }

  return {
    get,
    row,
    inTransaction,

    /** The customer session an order belongs to (null for back-office orders); undefined if no such order. */
    sessionOf(id: string): string | null | undefined {
      return db.select({ s: orders.sessionId }).from(orders).where(eq(orders.id, id)).get()?.s;
    },

    create(input: NewOrderInput): OrderView {
      const id = newId('ord');
      const now = deps.now();
      const amountCents = input.lines.reduce((sum, l) => sum + l.unitAmountCents * l.quantity, 0);
      inTransaction(() => {
        db.insert(orders)
          .values({
            id,
            status: 'pending_payment',
            confirmation: input.confirmation,
            customerName: input.customer.name,
            customerEmail: input.customer.email,
            shipTo: input.shipTo,
            sessionId: input.sessionId ?? null,
            amountCents,
            currency: input.currency,
            createdAt: now,
            updatedAt: now,
          })
          .run();
        for (const l of input.lines) {
          db.insert(orderItems)
            .values({ orderId: id, ...l })
            .run();
        }
        recordEvent({
          orderId: id,
          type: 'order.created',
          fromStatus: null,
          toStatus: 'pending_payment',
          source: 'shop',
          detail: null,
        });
      });
      return get(id)!;
    },

    /** Newest first; `sessionId` narrows it to one customer's orders (undefined: every order, back office). */
    list(opts: { limit: number; startingAfter?: string; status?: OrderStatus; sessionId?: string }): {
      data: OrderView[];
      hasMore: boolean;
    } {
      const conds: SQL[] = [];
      if (opts.sessionId !== undefined) conds.push(eq(orders.sessionId, opts.sessionId));
      if (opts.status) conds.push(eq(orders.status, opts.status));
      if (opts.startingAfter) {
        const anchor = row(opts.startingAfter);
        if (anchor) conds.push(lt(orders.createdAt, anchor.createdAt));
      }
      const rows = db
        .select()
        .from(orders)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(orders.createdAt), desc(orders.id))
        .limit(opts.limit + 1)
        .all();
      const page = rows.slice(0, opts.limit);
      return { data: page.map((o) => get(o.id)!), hasMore: rows.length > opts.limit };
    },

    events(orderId: string, afterId = 0): OrderEvent[] {
      return db
        .select()
        .from(orderEvents)
        .where(and(eq(orderEvents.orderId, orderId), gt(orderEvents.id, afterId)))
        .orderBy(asc(orderEvents.id))
        .all();
    },

    /** Stores payment references (session, PaymentIntent) without changing the status. */
    attachPayment(orderId: string, patch: OrderPatch): void {
      db.update(orders)
        .set({ ...patch, updatedAt: deps.now() })
        .where(eq(orders.id, orderId))
        .run();
    },

    findByPaymentIntent(paymentIntentId: string): Order | undefined {
      return db.select().from(orders).where(eq(orders.paymentIntentId, paymentIntentId)).get();
    },

    /**
     * Applies a signal: moves the status forward (or records why not), stores the patch, and — on the move to
     * paid — enqueues `order.created` for logistics in the same transaction (contracts.md).
     */
    signal(
      orderId: string,
      signal: OrderSignal,
      opts: { source: string; patch?: OrderPatch; detail?: Record<string, unknown> },
    ): SignalResult {
      return inTransaction(() => {
        const order = row(orderId);
        if (!order) return { found: false };
        const current = isOrderStatus(order.status) ? order.status : 'pending_payment';
        const t = transition(current, signal);
        const now = deps.now();
        // Facts that do not change the status (a card reference, tracking data arriving late) are still kept,
        // but never one that would contradict a later state (e.g. a failure reason on a paid order).
        const patch: Partial<Order> = t.kind === 'ignored' ? safePatch(opts.patch) : { ...opts.patch };
        let detail = opts.detail ?? null;
        // A payment's outcome (even a repeated one) ends the wait for a delayed method.
        if (t.kind !== 'ignored' && (signal === 'payment_succeeded' || signal === 'payment_failed'))
          patch.paymentProcessing = false;
        if (t.kind === 'move') {
          patch.status = t.to;
          if (t.to === 'paid') {
            patch.paidAt = now;
            patch.failureReason = null;
            const { oversold } = sellStock(db, orderId);
            if (oversold.length) detail = { ...detail, oversold };
          }
          if (t.to === 'fulfilled') patch.fulfilledAt = now;
          if (t.to === 'delivered') patch.deliveredAt = now;
          if (t.to === 'refunded') {
            patch.refundedAt = now;
            // Never shipped: the units are still ours to sell.
            if (t.from === 'fulfilment_failed') restock(db, orderId);
          }
        }
        if (Object.keys(patch).length) {
          db.update(orders)
            .set({ ...patch, updatedAt: now })
            .where(eq(orders.id, orderId))
            .run();
        }
        if (t.kind === 'move') {
          recordEvent({
            orderId,
            type: `order.${t.to}`,
            fromStatus: t.from,
            toStatus: t.to,
            source: opts.source,
            detail,
          });
          if (t.to === 'paid') sendOrderCreated({ ...order, ...patch } as Order);
          if (deps.onStatusChange) deps.onStatusChange(get(orderId)!, t.to, now);
        } else if (t.kind === 'ignored') {
          recordEvent({
            orderId,
            type: 'signal.ignored',
            fromStatus: current,
            toStatus: current,
            source: opts.source,
            detail: { signal, reason: t.reason },
          });
        }
        return { found: true, transition: t };
      });
    },

    /** A fact that changes no status but the page should show (tracking updates). */
    note(
      orderId: string,
      type: string,
      opts: { source: string; patch?: OrderPatch; detail?: Record<string, unknown> },
    ): boolean {
      return inTransaction(() => {
        const order = row(orderId);
        if (!order) return false;
        const patch = { ...opts.patch };
        // A late "processing" must not make a paid (or later) order look unpaid.
        if (
          patch.paymentProcessing &&
          order.status !== 'pending_payment' &&
          order.status !== 'payment_failed'
        )
          delete patch.paymentProcessing;
        if (Object.keys(patch).length) {
          db.update(orders)
            .set({ ...patch, updatedAt: deps.now() })
            .where(eq(orders.id, orderId))
            .run();
        }
        recordEvent({
          orderId,
          type,
          fromStatus: order.status,
          toStatus: order.status,
          source: opts.source,
          detail: opts.detail ?? null,
        });
        return true;
      });
    },
  };
}

function refundView(order: Order): OrderView['refund'] {
  if (order.status === 'refunded')
    return { status: 'refunded', id: order.refundId, amount_refunded: order.amountRefundedCents };
  const status = order.refundStatus;
  if (status !== 'pending' && status !== 'requested' && status !== 'failed') return null;
  return { status, id: order.refundId, amount_refunded: order.amountRefundedCents };
}

function safePatch(patch: OrderPatch | undefined): Partial<Order> {
  if (!patch) return {};
  const { failureReason: _ignored, ...rest } = patch;
  return rest;
}

export type Orders = ReturnType<typeof createOrders>;
