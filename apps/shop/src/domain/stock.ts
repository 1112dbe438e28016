// Stock: units are held when a checkout starts, sold when the order is paid, and released when the checkout
// expires or is canceled (or an unshipped order is refunded). Every function here runs inside the caller's
// SQLite transaction (`orders.inTransaction`), so a refusal half-way leaves no unit taken.
import { ApiError } from '@hooklab/service';
import { and, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import { orderItems, orders, products } from '../db/schema.ts';

export type StockState = 'none' | 'held' | 'sold' | 'released';

interface Line {
  productId: string;
  quantity: number;
}

/** The clear 409 when a dress is gone (or fewer are left than asked for). */
export function outOfStock(p: { id: string; name: string }, available: number, param?: string): ApiError {
  return new ApiError({
    status: 409,
    code: 'out_of_stock',
    message: available > 0 ? `Only ${available} × ${p.name} left` : `${p.name} is sold out`,
    param,
    extra: { product_id: p.id, available },
  });
}

/** One line per product, quantities summed (an order may name the same dress twice). */
export function mergeLines<L extends Line>(lines: L[]): L[] {
  const merged = new Map<string, L>();
  for (const l of lines) {
    const seen = merged.get(l.productId);
    merged.set(l.productId, seen ? { ...seen, quantity: seen.quantity + l.quantity } : { ...l });
  }
  return [...merged.values()];
}

function linesOf(db: ShopDb, orderId: string): Line[] {
  return mergeLines(
    db
      .select({ productId: orderItems.productId, quantity: orderItems.quantity })
      .from(orderItems)
      .where(eq(orderItems.orderId, orderId))
      .all(),
  );
}

const stateOf = (db: ShopDb, orderId: string) =>
  db.select({ state: orders.stockState }).from(orders).where(eq(orders.id, orderId)).get()?.state as
    | StockState
    | undefined;

const setState = (db: ShopDb, orderId: string, state: StockState, heldUntil: number | null) =>
  db.update(orders).set({ stockState: state, stockHeldUntil: heldUntil }).where(eq(orders.id, orderId)).run();

/** Refuses (409) lines asking for more than is free now; takes nothing. */
export function assertAvailable(db: ShopDb, lines: Line[]): void {
  for (const l of mergeLines(lines)) {
    const p = db.select().from(products).where(eq(products.id, l.productId)).get();
    if (p && p.stock != null && p.stock < l.quantity) throw outOfStock(p, p.stock);
  }
}

/**
 * Holds the order's units until `until` (epoch ms), or moves the end of the hold it already has.
 * Throws the 409 when one of them is gone; the caller's transaction then rolls back what was taken.
 */
export function holdStock(db: ShopDb, orderId: string, until: number): void {
  const state = stateOf(db, orderId);
  if (state === 'held') {
    db.update(orders).set({ stockHeldUntil: until }).where(eq(orders.id, orderId)).run();
    return;
  }
  if (state === 'sold' || state === undefined) return;
  for (const l of linesOf(db, orderId)) {
    const taken = db
      .update(products)
      .set({ stock: sql`${products.stock} - ${l.quantity}` })
      .where(
        and(eq(products.id, l.productId), isNotNull(products.stock), sql`${products.stock} >= ${l.quantity}`),
      )
      .run();
    if (taken.changes === 1) continue;
    const p = db.select().from(products).where(eq(products.id, l.productId)).get();
    if (p && p.stock != null) throw outOfStock(p, p.stock);
  }
  setState(db, orderId, 'held', until);
}

function putBack(db: ShopDb, orderId: string): void {
  for (const l of linesOf(db, orderId)) {
    db.update(products)
      .set({ stock: sql`${products.stock} + ${l.quantity}` })
      .where(and(eq(products.id, l.productId), isNotNull(products.stock)))
      .run();
  }
}

/** Gives a held order's units back (its checkout expired or was canceled). True when it released some. */
export function releaseHold(db: ShopDb, orderId: string): boolean {
  if (stateOf(db, orderId) !== 'held') return false;
  putBack(db, orderId);
  setState(db, orderId, 'released', null);
  return true;
}

/**
 * The order is paid: its held units are sold. If the hold had lapsed, the units are taken now; when they were
 * sold to someone else meanwhile, the shop has oversold (returned, for the order's history).
 */
export function sellStock(db: ShopDb, orderId: string): { oversold: string[] } {
  const state = stateOf(db, orderId);
  const oversold: string[] = [];
  if (state === 'none' || state === 'released') {
    for (const l of linesOf(db, orderId)) {
      const p = db.select().from(products).where(eq(products.id, l.productId)).get();
      if (!p || p.stock == null) continue;
      if (p.stock < l.quantity) oversold.push(p.id);
      db.update(products)
        .set({ stock: Math.max(0, p.stock - l.quantity) })
        .where(eq(products.id, p.id))
        .run();
    }
  }
  if (state !== undefined) setState(db, orderId, 'sold', null);
  return { oversold };
}

/** An order refunded before it shipped: its units were never sent, so they go back on the shelf. */
export function restock(db: ShopDb, orderId: string): boolean {
  if (stateOf(db, orderId) !== 'sold') return false;
  putBack(db, orderId);
  setState(db, orderId, 'released', null);
  return true;
}

/** Orders whose hold has ended and that are neither paid nor being paid (a bank debit in flight keeps it). */
export function lapsedHolds(db: ShopDb, now: number): string[] {
  return db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.stockState, 'held'),
        lte(orders.stockHeldUntil, now),
        inArray(orders.status, ['pending_payment', 'payment_failed']),
        eq(orders.paymentProcessing, false),
      ),
    )
    .all()
    .map((r) => r.id);
}
