import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.HOOKLAB_REQUIRE_SERVICES === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(
    `[browser] skipping the checkout test: no chromium at ${CHROMIUM} (apt-get install -y chromium)`,
  );
}

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)(
  'browser: buy a dress, declined card then good card, order page goes paid live',
  () => {
    let stack: Stack;
    let browser: Browser;
    beforeAll(async () => {
      if (!HAVE_CHROMIUM)
        throw new Error(`HOOKLAB_REQUIRE_SERVICES=1 but there is no chromium at ${CHROMIUM}`);
      stack = await startStack(['payments', 'shop']);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    });

    it('shows the decline, then the order page turns paid without a reload', async () => {
      const context = await browser.newContext();
      const shop = stack.urls.shop;
      // The shop registers its Stripe endpoint in the background at start; payments only tells endpoints that exist.
      for (let i = 0; i < 150; i++) {
        const status = (await (await fetch(`${shop}/api/status`)).json()) as {
          stripe_webhook: { ready: boolean };
        };
        if (status.stripe_webhook.ready) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const customer = await context.newPage();

      await customer.goto(shop);
      await customer.getByTestId('product-linen-wrap-dress').click();
      await customer.getByTestId('add-to-bag').click();
      await customer.waitForURL(`${shop}/cart`);
      await expect(customer.getByTestId('cart-total').textContent()).resolves.toContain('129.00');
      await customer.getByTestId('checkout').click();
      await customer.waitForURL(/\/pay\/cs_/);

      // A second tab on the order page, opened before paying: it must change by itself (SSE), never reload.
      // The back office (dev key) finds the order; the watcher tab shares the customer's session cookie.
      const list = (await (
        await fetch(`${shop}/api/orders?limit=1`, { headers: { authorization: 'Bearer shop_admin_hooklab' } })
      ).json()) as { data: { id: string }[] };
      const orderId = list.data[0]!.id;
      const watcher = await context.newPage();
      await watcher.goto(`${shop}/orders/${orderId}`);
      await expect(watcher.getByTestId('order-status').getAttribute('data-status')).resolves.toBe(
        'pending_payment',
      );
      await watcher.evaluate(() => {
        (window as unknown as { __noReload: boolean }).__noReload = true;
      });

      await customer.fill('#card_number', '4000 0000 0000 0002');
      await customer.locator('form:has(#card_number) button[type=submit]').click();
      await customer.getByRole('alert').waitFor();
      expect(await customer.getByRole('alert').textContent()).toMatch(/declined/i);
      await watcher.waitForSelector('[data-testid="order-status"][data-status="payment_failed"]', {
        timeout: 15_000,
      });

      await customer.fill('#card_number', '4242 4242 4242 4242');
      await customer.locator('form:has(#card_number) button[type=submit]').click();
      await customer.waitForURL(new RegExp(`/orders/${orderId}\\?session_id=cs_`));
      await customer.waitForSelector('[data-testid="order-status"][data-status="paid"]', { timeout: 15_000 });
      await watcher.waitForSelector('[data-testid="order-status"][data-status="paid"]', { timeout: 15_000 });
      expect(await watcher.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(
        true,
      );
      expect(await watcher.getByTestId('order-status').textContent()).toBe('Paid');
      await context.close();
    });
  },
);
