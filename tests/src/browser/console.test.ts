// The console in Chromium, on the in-process stack: run S04 and read its diagram, break the shop's
// webhook receiver and watch the retries and the recovery, run S02 and watch the counters, export a HAR.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.HOOKLAB_REQUIRE_SERVICES === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../artifacts');
if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(
    `[browser] skipping the console test: no chromium at ${CHROMIUM} (apt-get install -y chromium)`,
  );
}

interface HopView {
  id: string;
  from: string;
  to: string;
  kind: string;
  status: string;
  attempt: string;
  method: string;
  path: string;
  eventType: string;
}

const hops = (page: Page): Promise<HopView[]> =>
  page.$$eval('[data-testid="hop"]', (els) =>
    els.map((e) => {
      const d = (e as SVGElement).dataset;
      return {
        id: d.hopId ?? '',
        from: d.from ?? '',
        to: d.to ?? '',
        kind: d.kind ?? '',
        status: d.status ?? '',
        attempt: d.attempt ?? '',
        method: d.method ?? '',
        path: d.path ?? '',
        eventType: d.eventType ?? '',
      };
    }),
  );

/** Opens a scenario's card, ticks its checkboxes, presses Run; resolves with the new run's id. */
async function run(page: Page, id: string, check: string[] = []): Promise<string> {
  const card = page.getByTestId(`scenario-${id}`);
  if (!(await card.evaluate((el) => (el as HTMLDetailsElement).open))) await card.locator('summary').click();
  for (const name of check) await card.locator(`input[name="${name}"]`).check();
  const status = page.getByTestId('run-status');
  const before = (await status.count()) ? await status.getAttribute('data-run-id') : null;
  await page.getByTestId(`run-${id}`).click();
  const shown = await page.waitForSelector(
    before ? `[data-testid="run-status"]:not([data-run-id="${before}"])` : '[data-testid="run-status"]',
  );
  return (await shown.getAttribute('data-run-id'))!;
}

const passed = (page: Page, runId: string) =>
  page.waitForSelector(`[data-testid="run-status"][data-run-id="${runId}"][data-status="passed"]`, {
    timeout: 90_000,
  });

/** GETs a console API path from the page (same origin, so the console's dev check passes). */
const apiGet = <T>(page: Page, path: string): Promise<T> =>
  page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;

const counter = async (page: Page, name: string) =>
  Number(await page.getByTestId(name).getAttribute('data-value'));

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)('browser: the console', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`HOOKLAB_REQUIRE_SERVICES=1 but there is no chromium at ${CHROMIUM}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack(['payments', 'logistics', 'shop', 'console'], {
      env: {
        LOGISTICS_STAGE_MS: '20',
        PAYMENTS_PROCESSING_DELAY_MS: '1500',
        SHOP_POLL_INTERVAL_MS: '200',
        CONSOLE_RETRY_MS: '250',
      },
    });
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
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1600, height: 1000 },
    });
    page = await context.newPage();
    await page.goto(stack.urls.console);
    for (const app of ['shop', 'payments', 'logistics'])
      await page.waitForSelector(`[data-testid="service-${app}"][data-status="up"]`);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('runs S04: every hop in the diagram in order, a webhook with its verified signature, a HAR that parses', async () => {
    const runId = await run(page, 'S04', ['skip_out_of_stock']);
    await passed(page, runId);
    const seen = await hops(page);
    const find = (from: string, to: string, what: (h: HopView) => boolean, after = -1) =>
      seen.findIndex((h, i) => i > after && h.from === from && h.to === to && what(h));
    // The story, in order: order and checkout, payment on the hosted page, payments tells the shop, the
    // shop tells logistics, logistics calls back fulfilled then delivered.
    const order = find('console', 'shop', (h) => h.method === 'POST' && h.path === '/api/orders');
    const session = find('shop', 'payments', (h) => h.path === '/v1/checkout/sessions', order);
    const pay = find('console', 'payments', (h) => h.path.startsWith('/pay/cs_'), session);
    const paid = find('payments', 'shop', (h) => h.eventType === 'payment_intent.succeeded', pay);
    const toLogistics = find('shop', 'logistics', (h) => h.eventType === 'order.created', paid);
    const fulfilled = find('logistics', 'shop', (h) => h.eventType === 'shipment.fulfilled', toLogistics);
    const delivered = find('logistics', 'shop', (h) => h.eventType === 'shipment.delivered', fulfilled);
    expect(
      [order, session, pay, paid, toLogistics, fulfilled, delivered].every((i) => i >= 0),
      JSON.stringify(seen, null, 1),
    ).toBe(true);
    expect(seen.filter((h) => h.kind === 'webhook').every((h) => h.status.startsWith('2'))).toBe(true);

    await page.locator(`[data-testid="hop"][data-hop-id="${seen[paid]!.id}"]`).click();
    await expect(page.getByTestId('detail-signature').textContent()).resolves.toBe('✓ verified (stripe)');
    await page.locator(`[data-testid="hop"][data-hop-id="${seen[toLogistics]!.id}"]`).click();
    await expect(page.getByTestId('detail-signature').textContent()).resolves.toMatch(
      /✓ verified \(standard\)/,
    );
    await expect(page.getByTestId('curl').textContent()).resolves.toMatch(
      /^curl -X POST '.*\/v1\/inbound\/orders'/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'console-s04.png'), fullPage: true });
    // Reported, not asserted: recorded in an app → drawn on this page (README, "Measured").
    const conn = page.locator('#conn');
    console.info(
      `[console] exchange latency, recorded → browser: median ${await conn.getAttribute('data-latency-p50')} ms, max ${await conn.getAttribute('data-latency-max')} ms`,
    );
    await page.locator('#details button.close').click();

    const { traceId } = await apiGet<{ traceId: string }>(page, `/api/runs/${runId}`);
    const hopsNow = async () =>
      (await apiGet<{ data: unknown[] }>(page, `/api/traces/${traceId}`)).data.length;
    // Late records of the run (an app's last exchange) may still be arriving: the HAR is taken between two counts.
    const before = await hopsNow();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-har').click(),
    ]);
    const har = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      log: {
        version: string;
        pages: { id: string }[];
        entries: {
          request: { method: string };
          response: { status: number };
          _hooklab: { event_type?: string };
        }[];
      };
    };
    const after = await hopsNow();
    expect(har.log.version).toBe('1.2');
    expect(har.log.pages[0]!.id).toBe(traceId);
    // One entry per hop of the trace (the diagram folds polls into rows; the HAR does not).
    expect(har.log.entries.length).toBeGreaterThanOrEqual(before);
    expect(har.log.entries.length).toBeLessThanOrEqual(after);
    expect(har.log.entries.find((e) => e._hooklab.event_type === 'order.created')).toMatchObject({
      request: { method: 'POST' },
      response: { status: 202 },
    });
  }, 120_000);

  it('with the shop’s receiver failing, shows the deliveries refused and retried, then the recovery', async () => {
    const reset = () =>
      fetch(`${stack.urls.console}/api/control/shop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"receiver":{"mode":"none"}}',
      });
    try {
      await page.getByTestId('fault-mode-shop').selectOption('failing');
      await page.getByTestId('fault-apply-shop').click();
      await page.waitForSelector(
        '[data-testid="switch"][data-service="shop"][data-mode="failing"][data-open="true"]',
      );

      const runId = await run(page, 'S04', ['skip_out_of_stock']);
      const refused = await page.waitForSelector(
        '[data-testid="hop"][data-to="shop"][data-kind="webhook"][data-status="503"]',
        {
          timeout: 30_000,
        },
      );
      const eventType = await refused.getAttribute('data-event-type');
      await page.screenshot({ path: join(ARTIFACTS, 'console-shop-failing.png'), fullPage: true });

      await page.getByTestId('fault-mode-shop').selectOption('none');
      await page.getByTestId('fault-apply-shop').click();
      await passed(page, runId);
      const seen = await hops(page);
      const retried = seen.find(
        (h) => h.to === 'shop' && h.eventType === eventType && Number(h.attempt) > 1 && h.status === '200',
      );
      expect(retried, JSON.stringify(seen, null, 1)).toBeDefined();
      await expect(
        page
          .locator('[data-testid="switch"][data-service="shop"] [data-testid="switch-effect"]')
          .first()
          .textContent(),
      ).resolves.toMatch(/refused, \d+ retr(y|ies), (all )?delivered after/);
      await page.screenshot({ path: join(ARTIFACTS, 'console-shop-recovered.png'), fullPage: true });
    } finally {
      // Whatever happened above, the next test gets a working shop.
      await reset();
    }
  }, 120_000);

  it('runs S02: the counters move, and the chart shows the shop’s real counts', async () => {
    const requestsBefore = await counter(page, 'counter-all-requests');
    const runId = await run(page, 'S02');
    await passed(page, runId);
    await page.waitForSelector('[data-testid="s02-chart"]');
    expect(await counter(page, 'counter-all-requests')).toBeGreaterThan(requestsBefore);
    expect(await counter(page, 'counter-trace-polls')).toBeGreaterThan(0);
    expect(await counter(page, 'counter-trace-pollsNothingNew')).toBeGreaterThan(0);
    expect(await counter(page, 'counter-trace-deliveries')).toBeGreaterThan(0);
    // The chart draws the shop's own counts, as the run returned them.
    const { result } = await apiGet<{
      result: { polling: { requests_made: number }; webhook: { requests_made: number } };
    }>(page, `/api/runs/${runId}`);
    expect(Number(await page.getByTestId('s02-polling-0').textContent())).toBe(result.polling.requests_made);
    expect(Number(await page.getByTestId('s02-webhook-0').textContent())).toBe(result.webhook.requests_made);
    expect(result.polling.requests_made).toBeGreaterThan(1);
    await page.screenshot({ path: join(ARTIFACTS, 'console-s02.png'), fullPage: true });
  }, 120_000);
});
