// The bag: lines kept per customer session (the bag cookie), never more of a dress than one order may take.
import { and, eq, sql } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import { cartItems, type Product, products } from '../db/schema.ts';

export interface CartLine {
  product: Product;
  quantity: number;
}

export function cartLines(db: ShopDb, cartId: string | undefined): CartLine[] {
  if (!cartId) return [];
  return db
    .select({ product: products, quantity: cartItems.quantity })
    .from(cartItems)
    .innerJoin(products, eq(products.id, cartItems.productId))
    .where(eq(cartItems.cartId, cartId))
    .all();
}

export const cartCount = (db: ShopDb, cartId: string | undefined): number =>
  cartLines(db, cartId).reduce((n, l) => n + l.quantity, 0);

/** Adds `quantity` of a dress, capped at `most` (what one order may take, or what is left). */
export function addToCart(
  db: ShopDb,
  cartId: string,
  productId: string,
  quantity: number,
  most: number,
): void {
  db.insert(cartItems)
    .values({ cartId, productId, quantity: Math.min(quantity, most) })
    .onConflictDoUpdate({
      target: [cartItems.cartId, cartItems.productId],
      set: { quantity: sql`min(${cartItems.quantity} + ${quantity}, ${most})` },
    })
    .run();
}

export function removeFromCart(db: ShopDb, cartId: string, productId: string): void {
  db.delete(cartItems)
    .where(and(eq(cartItems.cartId, cartId), eq(cartItems.productId, productId)))
    .run();
}

export function emptyCart(db: ShopDb, cartId: string): void {
  db.delete(cartItems).where(eq(cartItems.cartId, cartId)).run();
}
