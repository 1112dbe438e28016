import { describe, expect, it } from 'vitest';
import { start } from './main.ts';
import { startReceiver } from './test-support.ts';

describe('start()', () => {
  it('serves on a free port with an in-memory database, delivers callbacks and closes cleanly', async () => {
    const shop = await startReceiver();
    const app = await start({
      PORT: '0',
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '1',
      LOGISTICS_STAGE_MS: '5',
      SHOP_URL: shop.url,
    });
    try {
      expect((await (await fetch(`${app.url}/healthz`)).json()).ok).toBe(true);
      const res = await fetch(`${app.url}/v1/shipments`, {
        method: 'POST',
        headers: { authorization: 'Bearer lg_test_hooklab', 'content-type': 'application/json' },
        body: JSON.stringify({
          order_id: 'ord_main',
          items: [{ sku: 'DR-001', quantity: 1 }],
          ship_to: { name: 'Ada', line1: '1 Rue', city: 'Paris', postal_code: '75001', country: 'FR' },
        }),
      });
      expect(res.status).toBe(202);
      await res.body?.cancel();
      const events = await shop.nextEvents(3);
      expect(shop.requests[0]!.url).toBe('/webhooks/logistics');
      const label = await fetch(events[0]!.data.label_url as string);
      expect(label.status).toBe(200);
      expect((await label.arrayBuffer()).byteLength).toBeGreaterThan(100);
      expect(
        app.recorder.list({ limit: 100 }).some((e) => e.kind === 'webhook' && e.direction === 'out'),
      ).toBe(true);
    } finally {
      await app.close();
      await shop.close();
    }
  });

  it('refuses an invalid configuration with every problem listed', async () => {
    await expect(
      start({ DATA_DIR: ':memory:', LOGISTICS_STAGE_MS: 'soon', BLOBSTORE: 'ftp' }),
    ).rejects.toThrow(/LOGISTICS_STAGE_MS[\s\S]*BLOBSTORE|BLOBSTORE[\s\S]*LOGISTICS_STAGE_MS/);
  });
});
