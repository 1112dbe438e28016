import { createContext } from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s02 } from '../../../packages/scenarios/src/s02-polling-vs-webhook.ts';
import { s04 } from '../../../packages/scenarios/src/s04-order-fulfilment.ts';
import { type Stack, startStack } from '../stack.ts';

describe('S02 and S04 on the in-process stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(['payments', 'logistics', 'shop'], {
      env: { LOGISTICS_STAGE_MS: '20', PAYMENTS_PROCESSING_DELAY_MS: '1500', SHOP_POLL_INTERVAL_MS: '200' },
    });
  });
  afterAll(() => stack?.stop());

  it('S02: polling costs requests that tell nothing new; the webhook costs none', async () => {
    const ctx = createContext({ scenario: 'S02', urls: stack.urls, keys: { payments: 'sk_test_hooklab' } });
    const r = await s02.run(ctx);
    expect(r.polling.requests_made).toBeGreaterThan(1);
    expect(r.polling.requests_nothing_new).toBeGreaterThan(0);
    expect(r.webhook.requests_made).toBe(0);
    expect(r.webhook.deliveries_received).toBeGreaterThanOrEqual(1);
    expect(ctx.narration.some((n) => n.text.startsWith('polling (every 200 ms)'))).toBe(true);
  });

  it('S04: paid → fulfilled → delivered by callbacks, out of stock reported, logistics never polled', async () => {
    const ctx = createContext({ scenario: 'S04', urls: stack.urls, keys: { payments: 'sk_test_hooklab' } });
    const r = await s04.run(ctx);
    expect(r.statuses.at(-1)).toBe('delivered');
    expect(r.shipment?.tracking_number).toBeTruthy();
    expect(r.outOfStock?.reason).toBe('out_of_stock');
    expect(r.shopCallsToLogistics.every((e) => e.url.endsWith('/v1/inbound/orders'))).toBe(true);
  });
});
