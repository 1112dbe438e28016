import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SK_OTHER, startTestServer, stripeError, type TestServer } from '../test-support.ts';

describe('Products through the official SDK', () => {
  let s: TestServer;
  let stripe: Stripe;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
  });
  afterAll(() => s.close());

  it('products: create, retrieve, update, list, delete', async () => {
    const product = await stripe.products.create({
      name: 'Linen wrap dress',
      description: 'Undyed linen',
      metadata: { sku: 'DR-001' },
      images: ['https://shop.test/dress.jpg'],
    });
    expect(product).toMatchObject({
      object: 'product',
      name: 'Linen wrap dress',
      active: true,
      default_price: null,
      metadata: { sku: 'DR-001' },
      images: ['https://shop.test/dress.jpg'],
      livemode: false,
    });
    expect(product.id).toMatch(/^prod_/);
    expect(await stripe.products.retrieve(product.id)).toEqual(product);
    const updated = await stripe.products.update(product.id, { name: 'Wrap dress', active: false });
    expect(updated).toMatchObject({ name: 'Wrap dress', active: false, metadata: { sku: 'DR-001' } });
    const inactive = await stripe.products.list({ active: false, limit: 100 });
    expect(inactive.data.map((p) => p.id)).toContain(product.id);
    const active = await stripe.products.list({ active: true, limit: 100 });
    expect(active.data.map((p) => p.id)).not.toContain(product.id);
    const byId = await stripe.products.list({ ids: [product.id] });
    expect(byId.data.map((p) => p.id)).toEqual([product.id]);
    const events = await stripe.events.list({ type: 'product.updated', limit: 1 });
    expect(events.data[0]!.data.previous_attributes).toMatchObject({
      name: 'Linen wrap dress',
      active: true,
    });
    expect(await stripe.products.del(product.id)).toEqual({
      id: product.id,
      object: 'product',
      deleted: true,
    });
    expect(await stripeError(stripe.products.retrieve(product.id))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    expect(await stripeError(stripe.products.create({} as never))).toMatchObject({
      code: 'parameter_missing',
      param: 'name',
    });
    expect(await stripeError(s.stripe(SK_OTHER).products.retrieve(updated.id))).toMatchObject({
      statusCode: 404,
    });
  });

  it('a product with default_price_data gets its default price, expandable', async () => {
    const product = await stripe.products.create({
      name: 'Summer dress',
      default_price_data: { unit_amount: 12900, currency: 'eur' },
      expand: ['default_price'],
    });
    const price = product.default_price as Stripe.Price;
    expect(price).toMatchObject({
      object: 'price',
      unit_amount: 12900,
      currency: 'eur',
      product: product.id,
    });
    const second = await stripe.prices.create({ product: product.id, unit_amount: 9900, currency: 'eur' });
    const switched = await stripe.products.update(product.id, { default_price: second.id });
    expect(switched.default_price).toBe(second.id);
    const other = await stripe.prices.create({
      product_data: { name: 'Other' },
      unit_amount: 100,
      currency: 'eur',
    });
    expect(await stripeError(stripe.products.update(product.id, { default_price: other.id }))).toMatchObject({
      statusCode: 400,
      param: 'default_price',
    });
  });
});
