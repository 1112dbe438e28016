import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, stripeError, type TestServer } from '../test-support.ts';

describe('Prices through the official SDK', () => {
  let s: TestServer;
  let stripe: Stripe;
  beforeAll(async () => {
    s = await startTestServer();
    stripe = s.stripe();
  });
  afterAll(() => s.close());

  it('prices: create with product or product_data, retrieve, update, list with filters', async () => {
    const product = await stripe.products.create({ name: 'Silk scarf' });
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 1500,
      currency: 'EUR',
      lookup_key: 'scarf-eur',
      nickname: 'Scarf (EUR)',
    });
    expect(price).toMatchObject({
      object: 'price',
      product: product.id,
      unit_amount: 1500,
      currency: 'eur',
      type: 'one_time',
      recurring: null,
      active: true,
      lookup_key: 'scarf-eur',
    });
    expect(price.id).toMatch(/^price_/);
    expect(String(price.unit_amount_decimal)).toBe('1500');
    const inline = await stripe.prices.create({
      product_data: { name: 'Gift wrapping' },
      unit_amount: 300,
      currency: 'eur',
    });
    const inlineProduct = await stripe.products.retrieve(inline.product as string);
    expect(inlineProduct.name).toBe('Gift wrapping');
    const expanded = await stripe.prices.retrieve(price.id, { expand: ['product'] });
    expect((expanded.product as Stripe.Product).name).toBe('Silk scarf');

    const up = await stripe.prices.update(price.id, { active: false, metadata: { season: 'ss26' } });
    expect(up).toMatchObject({ active: false, metadata: { season: 'ss26' }, unit_amount: 1500 });
    expect(await stripeError(stripe.prices.update(price.id, { unit_amount: 10 } as never))).toMatchObject({
      code: 'parameter_unknown',
      param: 'unit_amount',
    });

    const ofProduct = await stripe.prices.list({ product: product.id });
    expect(ofProduct.data.map((p) => p.id)).toEqual([price.id]);
    expect((await stripe.prices.list({ lookup_keys: ['scarf-eur'] })).data.map((p) => p.id)).toEqual([
      price.id,
    ]);
    const activeOnly = await stripe.prices.list({ active: true, limit: 100 });
    expect(activeOnly.data.map((p) => p.id)).toContain(inline.id);
    expect(activeOnly.data.map((p) => p.id)).not.toContain(price.id);

    expect(
      await stripeError(stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'zzz' })),
    ).toMatchObject({ statusCode: 400, param: 'currency' });
    expect(await stripeError(stripe.prices.create({ unit_amount: 100, currency: 'eur' }))).toMatchObject({
      statusCode: 400,
      param: 'product',
    });
    expect(
      await stripeError(stripe.prices.create({ product: 'prod_nope', unit_amount: 100, currency: 'eur' })),
    ).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'product' });
    expect(
      await stripeError(
        stripe.prices.create({
          product: product.id,
          unit_amount: 100,
          currency: 'eur',
          lookup_key: 'scarf-eur',
        }),
      ),
    ).toMatchObject({ statusCode: 400, param: 'lookup_key' });
    const moved = await stripe.prices.create({
      product: product.id,
      unit_amount: 1600,
      currency: 'eur',
      lookup_key: 'scarf-eur',
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.retrieve(price.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ['scarf-eur'] })).data.map((p) => p.id)).toEqual([
      moved.id,
    ]);
    expect(await stripeError(stripe.products.del(product.id))).toMatchObject({ statusCode: 400 });
  });

  it('Checkout takes line items by price id, with the Price in each line item', async () => {
    const product = await stripe.products.create({ name: 'Linen wrap dress' });
    const dress = await stripe.prices.create({ product: product.id, unit_amount: 12900, currency: 'eur' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price: dress.id, quantity: 2 },
        { price_data: { currency: 'eur', unit_amount: 500, product: product.id }, quantity: 1 },
      ],
      success_url: 'https://shop.test/ok',
    });
    expect(session).toMatchObject({ amount_total: 26300, currency: 'eur', status: 'open' });
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data[0]).toMatchObject({
      object: 'item',
      description: 'Linen wrap dress',
      quantity: 2,
      amount_total: 25800,
      price: { id: dress.id, object: 'price', unit_amount: 12900, product: product.id },
    });
    expect(items.data[1]).toMatchObject({ description: 'Linen wrap dress', amount_total: 500 });

    const refused = async (line_items: Stripe.Checkout.SessionCreateParams.LineItem[]) =>
      stripeError(stripe.checkout.sessions.create({ mode: 'payment', line_items }));
    expect(await refused([{ price: 'price_nope', quantity: 1 }])).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'line_items[0][price]',
    });
    const archived = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'eur' });
    await stripe.prices.update(archived.id, { active: false });
    expect(await refused([{ price: archived.id, quantity: 1 }])).toMatchObject({
      param: 'line_items[0][price]',
    });
    const monthly = await stripe.prices.create({
      product: product.id,
      unit_amount: 1000,
      currency: 'eur',
      recurring: { interval: 'month' },
    });
    expect(monthly).toMatchObject({ type: 'recurring', recurring: { interval: 'month', interval_count: 1 } });
    expect((await refused([{ price: monthly.id, quantity: 1 }])).message).toContain('recurring price');
    const usd = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'usd' });
    expect(
      await refused([
        { price: dress.id, quantity: 1 },
        { price: usd.id, quantity: 1 },
      ]),
    ).toMatchObject({ param: 'line_items[1][price]' });
    expect(await refused([{ quantity: 1 }])).toMatchObject({
      statusCode: 400,
      param: 'line_items[0][price]',
    });
  });
});
