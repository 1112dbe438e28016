// Cross-app faults on the in-process stack: a provider that is down when the event happens.
import { buyAndPay, createContext, getOrder, shopAdminHeaders, shopReady, waitFor } from '@hooklab/scenarios';
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
    // The first delivery attempt has nowhere to go: the order stays paid, the event waits in the outbox.
    await new Promise((r) => setTimeout(r, 300));
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
