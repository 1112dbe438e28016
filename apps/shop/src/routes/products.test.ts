import { afterEach, describe, expect, it } from 'vitest';
import { testShop } from '../test-support.ts';

interface ApiProduct {
  id: string;
  object: string;
  sku: string | null;
  amount: number;
  currency: string;
  available: number | null;
  availability: string;
  max_per_order: number;
}

describe('GET /api/products', () => {
  let shop: ReturnType<typeof testShop>;
  afterEach(() => shop?.close());

  it('answers the catalogue as JSON with prices and stock (it answered 500)', async () => {
    shop = testShop();
    const res = await shop.app.request('/api/products');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { object: string; data: ApiProduct[] };
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(6);
    expect(body.data.find((p) => p.sku === 'DR-001')).toMatchObject({
      id: 'prd_linen_wrap',
      object: 'product',
      amount: 12900,
      currency: 'eur',
      availability: 'in_stock',
      max_per_order: 5,
    });
    expect(body.data.find((p) => p.sku === 'OOS-TULLE')).toMatchObject({
      available: 1,
      availability: 'low_stock',
    });
    expect(body.data.find((p) => p.id === 'prd_velvet_midi')).toMatchObject({
      sku: null,
      available: null,
      availability: 'made_to_order',
    });
  });
});
