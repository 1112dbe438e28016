import { asc, eq } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import { type Product, products } from '../db/schema.ts';

/** Most of one dress a single order may take. */
export const MAX_PER_DRESS = 5;
/** At or below this many units the storefront says "only N left". */
export const LOW_STOCK_AT = 3;

export type Availability = 'in_stock' | 'low_stock' | 'sold_out' | 'made_to_order';

export function availabilityOf(p: Pick<Product, 'stock'>): Availability {
  if (p.stock == null) return 'made_to_order';
  if (p.stock <= 0) return 'sold_out';
  return p.stock <= LOW_STOCK_AT ? 'low_stock' : 'in_stock';
}

/** How many of `p` one order may still take: the per-order limit, or fewer when fewer are left. */
export function maxOrderable(p: Pick<Product, 'stock'>): number {
  return p.stock == null ? MAX_PER_DRESS : Math.max(0, Math.min(MAX_PER_DRESS, p.stock));
}

/** A product as the JSON API shows it (amounts in minor units). */
export function productView(p: Product) {
  return {
    id: p.id,
    object: 'product' as const,
    sku: p.sku,
    slug: p.slug,
    name: p.name,
    description: p.description,
    amount: p.amountCents,
    currency: p.currency,
    available: p.stock,
    availability: availabilityOf(p),
    max_per_order: MAX_PER_DRESS,
  };
}

export function listProducts(db: ShopDb): Product[] {
  return db.select().from(products).orderBy(asc(products.amountCents)).all();
}

export function productById(db: ShopDb, id: string): Product | undefined {
  return db.select().from(products).where(eq(products.id, id)).get();
}

export function productBySku(db: ShopDb, sku: string): Product | undefined {
  return db.select().from(products).where(eq(products.sku, sku)).get();
}

export function productBySlug(db: ShopDb, slug: string): Product | undefined {
  return db.select().from(products).where(eq(products.slug, slug)).get();
}

/** Formats minor units for people: 12900 eur → "€129.00". */
export function formatMoney(amountCents: number, currency: string): string {
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency: currency.toUpperCase() }).format(
    amountCents / 100,
  );
}
