// What an order is made of, checked before it exists: the JSON API and the bag's checkout form share it.
// The address is checked as logistics checks it, so a paid order is never refused by the warehouse for it.
import { ApiError } from '@hooklab/service';
import countries from 'i18n-iso-countries';
import { z } from 'zod';
import type { ShopContext } from '../context.ts';
import { MAX_PER_DRESS, productById, productBySku } from './catalog.ts';
import type { ConfirmationMode, NewOrderInput } from './orders.ts';
import { mergeLines } from './stock.ts';

// A CommonJS package: under ESM its functions are reachable only through the default export.
const alpha2Codes = new Set(Object.keys(countries.getAlpha2Codes()));

/** An assigned ISO 3166-1 alpha-2 code (FR, DE, US…), upper case: `XX` or `UK` are refused. */
export const countryCode = z.string().refine((code) => /^[A-Z]{2}$/.test(code) && alpha2Codes.has(code), {
  error: 'an assigned ISO 3166-1 alpha-2 country code such as FR',
});

const text = (max: number) => z.string().trim().min(1).max(max);

/** `POST /api/orders` body (and the checkout form, mapped onto it). */
export const orderInputSchema = z.object({
  items: z
    .array(
      z
        .object({
          product_id: text(100).optional(),
          sku: text(100).optional(),
          quantity: z.number().int().min(1).max(MAX_PER_DRESS),
        })
        .refine((i) => Boolean(i.product_id) !== Boolean(i.sku), {
          message: 'give exactly one of product_id or sku',
        }),
    )
    .min(1)
    .max(20),
  customer: z.object({ name: text(200), email: z.email().max(254) }),
  ship_to: z.object({
    name: text(200),
    line1: text(200),
    city: text(100),
    postal_code: text(20),
    country: countryCode,
  }),
  confirmation: z.enum(['webhook', 'polling']).optional(),
});

export type OrderInput = z.infer<typeof orderInputSchema>;

/**
 * Turns validated input into order lines (one per dress, quantities summed), refusing unknown products
 * with 422 and more than MAX_PER_DRESS of one dress with 400.
 */
export function resolveOrderInput(
  s: ShopContext,
  input: OrderInput,
  fallback: ConfirmationMode,
): NewOrderInput {
  const lines = input.items.map((item, index) => {
    const product = item.product_id ? productById(s.db, item.product_id) : productBySku(s.db, item.sku!);
    if (!product) {
      const param = item.product_id ? `items.${index}.product_id` : `items.${index}.sku`;
      throw new ApiError({
        status: 422,
        code: 'unknown_product',
        message: `No product ${item.product_id ?? item.sku}`,
        param,
      });
    }
    return {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      unitAmountCents: product.amountCents,
      quantity: item.quantity,
    };
  });
  const merged = mergeLines(lines);
  const tooMany = merged.find((l) => l.quantity > MAX_PER_DRESS);
  if (tooMany)
    throw new ApiError({
      status: 400,
      code: 'quantity_limit_exceeded',
      message: `At most ${MAX_PER_DRESS} × ${tooMany.name} per order (asked for ${tooMany.quantity})`,
      param: 'items',
    });
  return {
    lines: merged,
    currency: s.config.SHOP_CURRENCY,
    customer: input.customer,
    shipTo: input.ship_to,
    confirmation: input.confirmation ?? fallback,
  };
}
