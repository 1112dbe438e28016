import { and, asc, eq, isNull } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import { type Product, products } from '../db/schema.ts';

type Seed = Omit<Product, 'currency'>;

// Stable ids so links and scenarios survive a restart. `OOS-…` is logistics' out-of-stock trigger (contracts.md):
// the shop believes it has the one archive gown, the warehouse has none, so it shows the refund path.
export const CATALOG: readonly Seed[] = [
  {
    id: 'prd_linen_wrap',
    stock: 40,
    sku: 'DR-001',
    slug: 'linen-wrap-dress',
    name: 'Linen wrap dress',
    amountCents: 12900,
    swatch: '#d8c3a5',
    description: 'Washed Belgian linen, a wrap that ties at the waist, midi length. Cool on the hottest day.',
  },
  {
    id: 'prd_silk_slip',
    stock: 25,
    sku: 'DR-002',
    slug: 'silk-slip-dress',
    name: 'Silk slip dress',
    amountCents: 18900,
    swatch: '#8e8d8a',
    description: 'Bias-cut sandwashed silk with adjustable straps. Day with a knit, evening with heels.',
  },
  {
    id: 'prd_poplin_shirt',
    stock: 8,
    sku: 'DR-003',
    slug: 'poplin-shirt-dress',
    name: 'Poplin shirt dress',
    amountCents: 9900,
    swatch: '#e6e2dd',
    description: 'Crisp organic cotton poplin, mother-of-pearl buttons, a belt you can leave at home.',
  },
  {
    id: 'prd_velvet_midi',
    stock: null,
    sku: null,
    slug: 'velvet-midi-dress',
    name: 'Velvet midi dress',
    amountCents: 21500,
    swatch: '#5b2333',
    description: 'Deep burgundy velvet, long sleeves, made to order in our atelier (no SKU: tailored).',
  },
  {
    id: 'prd_knit_column',
    stock: 3,
    sku: 'DR-005',
    slug: 'knit-column-dress',
    name: 'Merino knit column dress',
    amountCents: 15900,
    swatch: '#3d5a6c',
    description: 'Fine-gauge merino, ribbed, a straight column that moves with you.',
  },
  {
    id: 'prd_archive_tulle',
    stock: 1,
    sku: 'OOS-TULLE',
    slug: 'archive-tulle-gown',
    name: 'Archive tulle gown',
    amountCents: 34000,
    swatch: '#c9b7d9',
    description:
      'From the archive: layered tulle, one of a kind. Our warehouse has none left (shows the out-of-stock path).',
  },
];

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

/** Inserts the catalogue if missing; running it again changes nothing (stock included). */
export function seedCatalog(db: ShopDb, currency: string): void {
  for (const p of CATALOG) {
    db.insert(products)
      .values({ ...p, currency })
      .onConflictDoNothing()
      .run();
    // A database from before stock was counted gets the seed stock once.
    if (p.stock != null)
      db.update(products)
        .set({ stock: p.stock })
        .where(and(eq(products.id, p.id), isNull(products.stock)))
        .run();
  }
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
