import { existsSync } from 'node:fs';
import { buyAndPay, createContext } from '@hooklab/scenarios';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.HOOKLAB_REQUIRE_SERVICES === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(`[browser] skipping the Slack test: no chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)(
  'browser: ask the bot about an order in the Slack UI, then refund it from its message',
  () => {
    let stack: Stack;
    let browser: Browser;
    beforeAll(async () => {
      if (!HAVE_CHROMIUM)
        throw new Error(`HOOKLAB_REQUIRE_SERVICES=1 but there is no chromium at ${CHROMIUM}`);
      stack = await startStack(['payments', 'shop', 'slack', 'notifier'], {
        env: { NOTIFIER_REGISTER_RETRY_MS: '50' },
      });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-first-run',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    });

    it('types "order ord_…?", sees the threaded answer, presses Refund and sees the order refunded in the shop', async () => {
      const { slack, shop, notifier } = stack.urls;
      await until(async () => {
        const { registrations } = (await (await fetch(`${notifier}/api/status`)).json()) as {
          registrations: Record<string, string>;
        };
        return ['payments', 'shop', 'slack'].every((p) => registrations[p] && registrations[p] !== 'pending');
      }, 'the notifier’s registrations');
      await until(
        async () =>
          ((await (await fetch(`${shop}/api/status`)).json()) as { stripe_webhook: { ready: boolean } })
            .stripe_webhook.ready,
        'the shop’s Stripe endpoint',
      );
      const orderId = await buyAndPay(createContext({ urls: stack.urls }), 'DR-001');
      const workspace = (await (await fetch(`${slack}/ui/workspace`)).json()) as {
        channels: { id: string; name: string }[];
      };
      const orders = workspace.channels.find((c) => c.name === 'orders')!;

      const page = await (await browser.newContext()).newPage();
      await page.goto(`${slack}/?channel=${orders.id}`);
      // The notifier's order.paid message arrives live, with its Refund button.
      const paid = page
        .locator('#messages .msg', { hasText: orderId })
        .filter({ has: page.locator('button[data-action="refund_order"]') });
      await paid.waitFor({ timeout: 20_000 });

      await page.locator('#compose input').fill(`order ${orderId}?`);
      await page.locator('#compose button[type="submit"]').click();
      const asked = page.locator('#messages .msg', { hasText: `order ${orderId}?` });
      await asked.locator('a[data-thread]', { hasText: 'replies' }).click({ timeout: 20_000 });
      const answer = page.locator('#thread-messages .msg', { hasText: 'is paid' });
      await answer.waitFor({ timeout: 20_000 });
      expect(await answer.textContent()).toContain(orderId);

      await paid.locator('button[data-action="refund_order"]').click();
      // The message is replaced through response_url: no button, a line naming the refund.
      await page
        .locator('#messages .msg', { hasText: 'requested by' })
        .filter({ hasText: orderId })
        .waitFor({ timeout: 20_000 });

      await until(async () => {
        const o = (await (
          await fetch(`${shop}/api/orders/${orderId}`, {
            headers: { authorization: 'Bearer shop_admin_hooklab' },
          })
        ).json()) as { status: string };
        return o.status === 'refunded';
      }, `${orderId} refunded in the shop's API`);
      // The order page is the back office's with its key (an order page answers 404, not a challenge, to others).
      const basic = Buffer.from('admin:shop_admin_hooklab').toString('base64');
      const backOffice = await browser.newContext({ extraHTTPHeaders: { authorization: `Basic ${basic}` } });
      const shopPage = await backOffice.newPage();
      const res = await shopPage.goto(`${shop}/orders/${orderId}`);
      expect(res?.status()).toBe(200);
      expect(await shopPage.getByTestId('order-status').getAttribute('data-status')).toBe('refunded');
      await backOffice.close();
    });
  },
);
