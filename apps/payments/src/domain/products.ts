import { newId } from '@hooklab/service';
import type { PaymentsContext } from '../context.ts';
import { changedFields, emitEvent } from '../webhooks/out/events.ts';
import { nowSec, type RequestMeta, tx } from './base.ts';
import { invalid, missing } from './errors.ts';
import { mergeMetadata } from './payment-intents.ts';
import type { StripeObject } from './store.ts';

export const PRODUCT_TYPE = 'product';
export const PRICE_TYPE = 'price';

export interface Product extends StripeObject {
  object: 'product';
  active: boolean;
  created: number;
  default_price: string | null;
  description: string | null;
  images: string[];
  metadata: Record<string, string>;
  name: string;
  updated: number;
  url: string | null;
}

export interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
}

export interface Price extends StripeObject {
  object: 'price';
  active: boolean;
  created: number;
  currency: string;
  lookup_key: string | null;
  metadata: Record<string, string>;
  nickname: string | null;
  product: string;
  recurring: (Recurring & { meter: null; usage_type: 'licensed' }) | null;
  type: 'one_time' | 'recurring';
  unit_amount: number;
}

export interface PriceData {
  currency: string;
  unit_amount: number;
  recurring?: { interval: Recurring['interval']; interval_count?: number };
  tax_behavior?: 'inclusive' | 'exclusive' | 'unspecified';
  metadata?: Record<string, string>;
}

export interface CreateProductParams {
  id?: string;
  name: string;
  active?: boolean;
  description?: string;
  images?: string[];
  metadata?: Record<string, string>;
  url?: string;
  statement_descriptor?: string;
  unit_label?: string;
  shippable?: boolean;
  default_price_data?: PriceData;
}

export interface UpdateProductParams {
  name?: string;
  active?: boolean;
  description?: string;
  images?: string[];
  metadata?: Record<string, string>;
  url?: string;
  statement_descriptor?: string;
  unit_label?: string;
  shippable?: boolean;
  default_price?: string;
}

export interface CreatePriceParams extends PriceData {
  product?: string;
  product_data?: { name: string; active?: boolean; metadata?: Record<string, string>; unit_label?: string };
  active?: boolean;
  nickname?: string;
  lookup_key?: string;
  transfer_lookup_key?: boolean;
}

export interface UpdatePriceParams {
  active?: boolean;
  metadata?: Record<string, string>;
  nickname?: string;
  lookup_key?: string;
  transfer_lookup_key?: boolean;
  tax_behavior?: 'inclusive' | 'exclusive' | 'unspecified';
}

export function loadProduct(d: PaymentsContext, accountId: string, id: string): Product {
  const p = d.store.get<Product>(accountId, id, PRODUCT_TYPE);
  if (!p) throw missing('product', id);
  return p;
}

export function loadPrice(d: PaymentsContext, accountId: string, id: string): Price {
  const p = d.store.get<Price>(accountId, id, PRICE_TYPE);
  if (!p) throw missing('price', id);
  return p;
}

// An unknown id in a parameter is a 400 at Stripe (the 404 is for the object named by the URL).
const noSuch = (kind: string, id: string, param: string) =>
  invalid(`No such ${kind}: '${id}'`, param, 'resource_missing');

export function loadPriceParam(d: PaymentsContext, accountId: string, id: string, param: string): Price {
  const p = d.store.get<Price>(accountId, id, PRICE_TYPE);
  if (!p) throw noSuch('price', id, param);
  return p;
}

export function loadProductParam(d: PaymentsContext, accountId: string, id: string, param: string): Product {
  const p = d.store.get<Product>(accountId, id, PRODUCT_TYPE);
  if (!p) throw noSuch('product', id, param);
  return p;
}

function newProduct(d: PaymentsContext, p: CreateProductParams & { id: string }): Product {
  const now = nowSec(d);
  return {
    id: p.id,
    object: 'product',
    active: p.active ?? true,
    created: now,
    default_price: null,
    description: p.description || null,
    images: p.images ?? [],
    livemode: false,
    marketing_features: [],
    metadata: p.metadata ?? {},
    name: p.name,
    package_dimensions: null,
    shippable: p.shippable ?? null,
    statement_descriptor: p.statement_descriptor || null,
    tax_code: null,
    unit_label: p.unit_label || null,
    updated: now,
    url: p.url || null,
  };
}

function newPrice(d: PaymentsContext, productId: string, p: CreatePriceParams): Price {
  return {
    id: newId('price'),
    object: 'price',
    active: p.active ?? true,
    billing_scheme: 'per_unit',
    created: nowSec(d),
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookup_key || null,
    metadata: p.metadata ?? {},
    nickname: p.nickname || null,
    product: productId,
    recurring: p.recurring
      ? {
          interval: p.recurring.interval,
          interval_count: p.recurring.interval_count ?? 1,
          meter: null,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: p.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: p.recurring ? 'recurring' : 'one_time',
    unit_amount: p.unit_amount,
    unit_amount_decimal: String(p.unit_amount),
  };
}

/** Stripe: a lookup key names one price per account; `transfer_lookup_key` moves it from its current price. */
function claimLookupKey(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  key: string,
  transfer: boolean | undefined,
  except?: string,
): void {
  const holder = d.store
    .list<Price>(accountId, PRICE_TYPE, { where: { lookup_key: key }, limit: 1 })
    .data.find((p) => p.id !== except);
  if (!holder) return;
  if (!transfer)
    throw invalid(
      `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`,
      'lookup_key',
      'lookup_key_already_used',
    );
  const moved: Price = { ...holder, lookup_key: null };
  d.store.update(moved);
  emitEvent(d, accountId, 'price.updated', moved, { request: req, previous: { lookup_key: key } });
}

/** Creates a product; with `default_price_data` its first price too, which becomes its default price. */
export function createProduct(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  p: CreateProductParams,
): Product {
  const id = p.id ?? newId('prod');
  if (d.store.rowById(id)) throw invalid(`Product already exists.`, 'id', 'resource_already_exists');
  return tx(d, () => {
    let product = newProduct(d, { ...p, id });
    d.store.insert(accountId, product);
    if (p.default_price_data) {
      const price = newPrice(d, id, p.default_price_data);
      d.store.insert(accountId, price, { ref: id });
      product = d.store.update({ ...product, default_price: price.id });
      emitEvent(d, accountId, 'product.created', product, { request: req });
      emitEvent(d, accountId, 'price.created', price, { request: req });
      return product;
    }
    emitEvent(d, accountId, 'product.created', product, { request: req });
    return product;
  });
}

export function updateProduct(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  id: string,
  p: UpdateProductParams,
): Product {
  return tx(d, () => {
    const before = loadProduct(d, accountId, id);
    const next: Product = { ...before };
    if (p.name !== undefined) {
      if (!p.name) throw invalid('You cannot unset the product name.', 'name', 'parameter_invalid');
      next.name = p.name;
    }
    if (p.active !== undefined) next.active = p.active;
    if (p.description !== undefined) next.description = p.description || null;
    if (p.images !== undefined) next.images = p.images;
    if (p.metadata !== undefined) next.metadata = mergeMetadata(before.metadata, p.metadata);
    if (p.url !== undefined) next.url = p.url || null;
    if (p.statement_descriptor !== undefined) next.statement_descriptor = p.statement_descriptor || null;
    if (p.unit_label !== undefined) next.unit_label = p.unit_label || null;
    if (p.shippable !== undefined) next.shippable = p.shippable;
    if (p.default_price !== undefined) {
      if (p.default_price) {
        const price = loadPriceParam(d, accountId, p.default_price, 'default_price');
        if (price.product !== id)
          throw invalid(
            `The price \`${price.id}\` does not belong to the product \`${id}\`.`,
            'default_price',
            'parameter_invalid',
          );
        if (!price.active)
          throw invalid(`The price \`${price.id}\` is not active.`, 'default_price', 'parameter_invalid');
      }
      next.default_price = p.default_price || null;
    }
    const previous = changedFields(before, next);
    if (Object.keys(previous).length === 0) return before;
    next.updated = nowSec(d);
    d.store.update(next);
    emitEvent(d, accountId, 'product.updated', next, { request: req, previous });
    return next;
  });
}

/** Stripe deletes a product only while no price points at it (archive it with `active=false` otherwise). */
export function deleteProduct(d: PaymentsContext, accountId: string, req: RequestMeta, id: string) {
  return tx(d, () => {
    const product = loadProduct(d, accountId, id);
    if (d.store.list(accountId, PRICE_TYPE, { ref: id, limit: 1 }).data.length > 0)
      throw invalid(
        'This product cannot be deleted because it has one or more user-created prices.',
        undefined,
        'product_has_prices',
      );
    d.store.delete(id);
    emitEvent(d, accountId, 'product.deleted', product, { request: req });
    return { id, object: 'product' as const, deleted: true };
  });
}

export function createPrice(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  p: CreatePriceParams,
): Price {
  if (p.product && p.product_data)
    throw invalid(
      'You may only specify one of these parameters: product, product_data.',
      'product_data',
      'parameter_invalid',
    );
  if (!p.product && !p.product_data)
    throw invalid(
      'You must specify either `product` or `product_data` when creating a price.',
      'product',
      'parameter_missing',
    );
  return tx(d, () => {
    let productId = p.product;
    if (productId) loadProductParam(d, accountId, productId, 'product');
    else {
      const made = newProduct(d, { ...p.product_data!, id: newId('prod') });
      d.store.insert(accountId, made);
      emitEvent(d, accountId, 'product.created', made, { request: req });
      productId = made.id;
    }
    if (p.lookup_key) claimLookupKey(d, accountId, req, p.lookup_key, p.transfer_lookup_key);
    const price = newPrice(d, productId, p);
    d.store.insert(accountId, price, { ref: productId });
    emitEvent(d, accountId, 'price.created', price, { request: req });
    return price;
  });
}

/** Stripe prices are immutable in amount and currency: only these fields change. */
export function updatePrice(
  d: PaymentsContext,
  accountId: string,
  req: RequestMeta,
  id: string,
  p: UpdatePriceParams,
): Price {
  return tx(d, () => {
    const before = loadPrice(d, accountId, id);
    const next: Price = { ...before };
    if (p.active !== undefined) next.active = p.active;
    if (p.metadata !== undefined) next.metadata = mergeMetadata(before.metadata, p.metadata);
    if (p.nickname !== undefined) next.nickname = p.nickname || null;
    if (p.tax_behavior !== undefined) next.tax_behavior = p.tax_behavior;
    if (p.lookup_key !== undefined) {
      if (p.lookup_key) claimLookupKey(d, accountId, req, p.lookup_key, p.transfer_lookup_key, id);
      next.lookup_key = p.lookup_key || null;
    }
    const previous = changedFields(before, next);
    if (Object.keys(previous).length === 0) return before;
    d.store.update(next);
    emitEvent(d, accountId, 'price.updated', next, { request: req, previous });
    return next;
  });
}
