import { describe, expect, it } from 'vitest';
import { settings } from '../db/schema.ts';
import { testContext } from '../test-support.ts';
import { ensureShopEndpoint, SHOP_EVENTS } from './registration.ts';
import type { ShopClient } from './shop.ts';

/** The shop's endpoint registry as a small in-memory fake that records every call. */
function fakeShop() {
  const endpoints: { id: string; url: string; enabled_events: string[]; status: string }[] = [];
  const calls: string[] = [];
  let n = 0;
  const shop: ShopClient = {
    order: async () => undefined,
    listEndpoints: async () => {
      calls.push('list');
      return [...endpoints];
    },
    createEndpoint: async (input) => {
      calls.push('create');
      const e = { id: `we_${++n}`, url: input.url, enabled_events: input.enabled_events, status: 'enabled' };
      endpoints.push(e);
      return { id: e.id, url: e.url, secret: `whsec_c2VjcmV0LW51bWJlci0${n}` };
    },
    deleteEndpoint: async (id) => {
      calls.push(`delete ${id}`);
      endpoints.splice(
        endpoints.findIndex((e) => e.id === id),
        1,
      );
    },
  };
  return { shop, endpoints, calls };
}

describe('registration with the shop', () => {
  const url = 'http://127.0.0.1:3005/webhooks/shop';

  it('creates the endpoint once and keeps it on the next start (its secret is stored)', async () => {
    const ctx = testContext();
    const { shop, endpoints, calls } = fakeShop();
    const first = await ensureShopEndpoint({ shop, db: ctx.db, url });
    expect(first).toMatchObject({ id: 'we_1', created: true });
    expect(endpoints[0]!.enabled_events).toEqual(SHOP_EVENTS);
    const again = await ensureShopEndpoint({ shop, db: ctx.db, url });
    expect(again).toEqual({ ...first, created: false });
    expect(calls).toEqual(['list', 'create', 'list']);
    ctx.close();
  });

  it('replaces an endpoint for our URL whose secret it lost (secrets are shown only at creation)', async () => {
    const ctx = testContext();
    const { shop, endpoints, calls } = fakeShop();
    await ensureShopEndpoint({ shop, db: ctx.db, url });
    ctx.db.delete(settings).run();
    const made = await ensureShopEndpoint({ shop, db: ctx.db, url });
    expect(made).toMatchObject({ id: 'we_2', created: true });
    expect(calls).toEqual(['list', 'create', 'list', 'delete we_1', 'create']);
    expect(endpoints.map((e) => e.id)).toEqual(['we_2']);
    ctx.close();
  });

  it('replaces an endpoint it holds that misses an event it now posts (the shop cannot update one)', async () => {
    const ctx = testContext();
    const { shop, endpoints, calls } = fakeShop();
    await ensureShopEndpoint({ shop, db: ctx.db, url });
    endpoints[0]!.enabled_events = SHOP_EVENTS.filter((t) => t !== 'order.tracking_updated');
    const made = await ensureShopEndpoint({ shop, db: ctx.db, url });
    expect(made).toMatchObject({ id: 'we_2', created: true });
    expect(calls).toEqual(['list', 'create', 'list', 'delete we_1', 'create']);
    expect(endpoints.map((e) => e.enabled_events)).toEqual([SHOP_EVENTS]);
    ctx.close();
  });
});
