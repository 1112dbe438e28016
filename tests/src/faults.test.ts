// Cross-app faults on the in-process stack: a provider that is down when the event happens.
import { buyAndPay, createContext, getOrder, shopAdminHeaders, shopReady, waitFor } from '@hooklab/scenarios';
import type { Exchange, ExchangeNotes } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(['payments', 'logistics', 'shop'], { env: { LOGISTICS_STAGE_MS: '20' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('logistics is down when the order is paid', () => {
  it('keeps order.created in the shop’s outbox and delivers it when logistics is back; nothing is lost', async () => {
    const ctx = createContext({ scenario: 'S04', urls: stack.urls, keys: { payments: 'sk_test_hooklab' } });
    await shopReady(ctx);
    const restartLogistics = await stack.stopApp('logistics');

    const orderId = await buyAndPay(ctx, 'DR-001');
    await waitFor(async () => (await getOrder(ctx, orderId)).status === 'paid', { what: 'order paid' });
    // The witness: the shop's own record of an order.created attempt for this order that found nobody
    // listening and was kept for a retry. Only after it do we know the outage was met, not raced past.
    const refused = await waitFor(
      () =>
        stack.apps.shop?.recorder
          .list()
          .find(
            (e: Exchange & ExchangeNotes) =>
              e.direction === 'out' &&
              e.requestHeaders['x-hooklab-event-type'] === 'order.created' &&
              e.requestBody?.includes(orderId) &&
              e.outcome === 'retry',
          ),
      { timeoutMs: 30_000, what: 'a refused order.created attempt recorded by the shop' },
    );
    expect(refused).toMatchObject({ to: 'logistics', status: null, attempt: 1 });
    expect((await getOrder(ctx, orderId)).status).toBe('paid');

    await restartLogistics();
    const delivered = await waitFor(
      async () => {
        const o = await getOrder(ctx, orderId);
        return o.status === 'delivered' ? o : null;
      },
      { timeoutMs: 45_000, intervalMs: 100, what: 'order delivered after logistics came back' },
    );
    expect(delivered.shipment?.tracking_number).toBeTruthy();
    const history = (await (
      await fetch(`${stack.urls.shop}/api/orders/${orderId}/history`, { headers: shopAdminHeaders(ctx) })
    ).json()) as {
      data: { to_status: string }[];
    };
    expect(history.data.map((h) => h.to_status)).toEqual(
      expect.arrayContaining(['paid', 'fulfilled', 'delivered']),
    );
  });
});
