import { and, eq, isNull } from 'drizzle-orm';
import type { ShopDb } from './index.ts';
import { type Product, products } from './schema.ts';

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
