// The workshop in Chromium: with a broken exercise 03 verifier in the shop's seam, payments' webhooks are
// refused and retried, each refusal marked ✎03 in the console; with the solution swapped in, the next
// attempt of the same event is delivered, still marked.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.HOOKLAB_REQUIRE_SERVICES === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(
    `[browser] skipping the workshop test: no chromium at ${CHROMIUM} (apt-get install -y chromium)`,
  );
}

const exercise03 = (side: 'problem' | 'solution') =>
  fileURLToPath(
    new URL(`../../../workshop/03-verify-a-signature/${side}/verify-signature.ts`, import.meta.url),
  );

interface HopView {
  status: string;
  attempt: string;
  exercise: string;
  eventType: string;
}

const stripeHops = (page: Page): Promise<HopView[]> =>
  page.$$eval('[data-testid="hop"][data-to="shop"][data-path="/webhooks/stripe"]', (els) =>
    els.map((e) => {
      const d = (e as SVGElement).dataset;
      return {
        status: d.status ?? '',
        attempt: d.attempt ?? '',
        exercise: d.exercise ?? '',
        eventType: d.eventType ?? '',
      };
    }),
  );

/**
 * Opens a hop's details and waits for them. The diagram is redrawn as exchanges arrive (retries keep coming
 * here), so on a busy machine a click can land while a hop moves: click again until the details show.
 */
async function openDetails(page: Page, selector: string): Promise<void> {
  const id = await page.locator(selector).first().getAttribute('data-hop-id');
  const hop = page.locator(`[data-testid="hop"][data-hop-id="${id}"]`);
  for (let tries = 1; ; tries++) {
    await hop.click();
    try {
      await page.getByTestId('hop-detail').waitFor({ state: 'visible', timeout: 3_000 });
      return;
    } catch (err) {
      if (tries === 10) throw err;
    }
  }
}

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)('browser: a workshop exercise in the running stack', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const saved = { ...process.env };

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`HOOKLAB_REQUIRE_SERVICES=1 but there is no chromium at ${CHROMIUM}`);
    // What `pnpm dev --exercise 03` gives the apps; the shop reads it per request (dev mode only).
    process.env.HOOKLAB_EXERCISE = '03';
    process.env.HOOKLAB_EXERCISE_MODULE = exercise03('problem');
    stack = await startStack(['payments', 'shop', 'console'], { env: { CONSOLE_RETRY_MS: '250' } });
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
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(stack.urls.console);
    for (const app of ['shop', 'payments'])
      await page.waitForSelector(`[data-testid="service-${app}"][data-status="up"]`);
  });
  afterAll(async () => {
    process.env = { ...saved };
    await browser?.close();
    await stack?.stop();
  });

  it('a wrong verifier: refused deliveries and retries, marked ✎03; the solution: delivered', async () => {
    const url = new URL(stack.urls.payments);
    const stripe = new Stripe('sk_test_hooklab', {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      telemetry: false,
    });
    // The shop registers its endpoint at start-up: wait until payments knows it, then pay.
    await expect
      .poll(async () => (await stripe.webhookEndpoints.list()).data.length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const pi = await stripe.paymentIntents.create({
      amount: 4200,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');

    const refused = '[data-to="shop"][data-path="/webhooks/stripe"][data-status="400"][data-exercise="03"]';
    await page.waitForSelector(`[data-testid="hop"]${refused}[data-event-type="payment_intent.succeeded"]`, {
      timeout: 30_000,
    });
    // Refused, then tried again by payments (attempt 2 in local mode comes after ~1 s), still refused.
    await page.waitForSelector(`[data-testid="hop"]${refused}[data-attempt="2"]`, { timeout: 30_000 });
    await openDetails(page, `[data-testid="hop"]${refused}`);
    const detail = (await page.getByTestId('hop-detail').textContent()) ?? '';
    expect(detail).toMatch(/signature✕ refused/);
    expect(detail).toMatch(/workshopran through your code: exercise 03/);

    // The attendee fixes the verifier (here: the reference); the next attempt of the same event is delivered.
    process.env.HOOKLAB_EXERCISE_MODULE = exercise03('solution');
    const delivered =
      '[data-testid="hop"][data-to="shop"][data-path="/webhooks/stripe"][data-status="200"][data-exercise="03"][data-event-type="payment_intent.succeeded"]';
    await page.waitForSelector(delivered, { timeout: 60_000 });
    const seen = (await stripeHops(page)).filter((h) => h.eventType === 'payment_intent.succeeded');
    const ok = seen.find((h) => h.status === '200')!;
    expect(Number(ok.attempt)).toBeGreaterThan(2);
    expect(seen.filter((h) => h.status === '400').length).toBeGreaterThanOrEqual(2);
    expect(seen.every((h) => h.exercise === '03')).toBe(true);
  });
});
