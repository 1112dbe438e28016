// The console in Chromium with every app of the service map: each one a lifeline and up in the apps panel;
// S11 and S12 run from the console and their polling-versus-push charts show the figures the runs counted;
// S15's attacks as a table, every one marked refused; "SMTP down" on the mailbox refuses mail until it is
// switched back; "Topic broker down" fails a topic: send until "back up", and a "consumer crashes before
// ack" armed before S08 is redelivered and handled once, each said by its switch's effect line.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S11Result, S12Result, S15Result } from '@hooklab/scenarios';
import { SERVICE_NAMES } from '@hooklab/service';
import { createTransport } from 'nodemailer';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_APPS, type Stack, startStack } from '../stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.HOOKLAB_REQUIRE_SERVICES === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../artifacts');
if (!HAVE_CHROMIUM && !REQUIRED)
  console.warn(`[browser] skipping the console test of the new apps: no chromium at ${CHROMIUM}`);

interface RunBody<R> {
  id: string;
  status: string;
  result?: R;
}

/** Opens a scenario's card, fills its parameters, presses Run; resolves with the new run's id. */
async function run(page: Page, id: string, params: Record<string, string> = {}): Promise<string> {
  const card = page.getByTestId(`scenario-${id}`);
  if (!(await card.evaluate((el) => (el as HTMLDetailsElement).open))) await card.locator('summary').click();
  for (const [name, value] of Object.entries(params)) await card.locator(`input[name="${name}"]`).fill(value);
  const status = page.getByTestId('run-status');
  const before = (await status.count()) ? await status.getAttribute('data-run-id') : null;
  await page.getByTestId(`run-${id}`).click();
  const shown = await page.waitForSelector(
    before ? `[data-testid="run-status"]:not([data-run-id="${before}"])` : '[data-testid="run-status"]',
  );
  return (await shown.getAttribute('data-run-id'))!;
}

/** Waits for the run to end; fails with the run's own error when it did not pass. */
async function passed(page: Page, runId: string): Promise<void> {
  const el = await page.waitForSelector(
    `[data-testid="run-status"][data-run-id="${runId}"]:is([data-status="passed"], [data-status="failed"])`,
    { timeout: 240_000 },
  );
  if ((await el.getAttribute('data-status')) !== 'passed')
    expect.fail(`run ${runId} failed: ${await page.locator('#run [role="alert"]').textContent()}`);
}

const apiGet = <T>(page: Page, path: string): Promise<T> =>
  page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;

/** The figure a chart shows for one side and row (`data-value`, empty when the side does not count it). */
const figure = async (page: Page, testId: string) => {
  const v = await page.getByTestId(testId).getAttribute('data-value');
  return v === '' || v === null ? null : Number(v);
};

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)('browser: the console with every app', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`HOOKLAB_REQUIRE_SERVICES=1 but there is no chromium at ${CHROMIUM}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack([...STACK_APPS], {
      env: {
        LOGISTICS_STAGE_MS: '20',
        TICKER_UPDATES_PER_SECOND: '4',
        // Low limits, so S15's burst crosses them on any machine.
        PAYMENTS_RATE_LIMIT_PER_SECOND: '30',
        LOGISTICS_RATE_LIMIT_PER_SECOND: '30',
        // Slack's tiers count per minute; a 2 s window keeps S15's wait for Retry-After short.
        SLACK_RATE_WINDOW_MS: '2000',
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
        '--no-first-run',
      ],
    });
    page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    await page.goto(stack.urls.console);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows every app of the service map up in the apps panel, with a link to its own page', async () => {
    const apps = SERVICE_NAMES.filter((n) => n !== 'console');
    const statuses = () =>
      page.$$eval('[data-testid^="service-"]', (lis) =>
        Object.fromEntries(
          lis.map((li) => [(li as HTMLElement).dataset.testid!.slice(8), (li as HTMLElement).dataset.status]),
        ),
      );
    await page
      .waitForFunction(
        (names) =>
          names.every((n) => document.querySelector(`[data-testid="service-${n}"][data-status="up"]`)),
        apps,
        { timeout: 30_000 },
      )
      .catch(() => undefined);
    expect(await statuses()).toMatchObject(Object.fromEntries(apps.map((n) => [n, 'up'])));
    for (const app of apps)
      expect(await page.locator(`[data-testid="service-${app}"] a`).count(), app).toBeGreaterThan(0);
    const first = page.locator('[data-testid="service-mailbox"] a').first();
    expect(await first.textContent()).toBe('Inbox');
    expect(await first.getAttribute('href')).toBe(`${stack.urls.mailbox}/`);
  }, 120_000);

  it('runs S12 from the console: webhook beside the poller, each with what it counted', async () => {
    const runId = await run(page, 'S12', { posts: '3', poll_interval_ms: '300', post_interval_ms: '200' });
    await passed(page, runId);
    await page.waitForSelector('[data-testid="s12-chart"]');
    const { result } = await apiGet<RunBody<S12Result>>(page, `/api/runs/${runId}`);
    const r = result!;
    expect(await figure(page, 's12-poll0-0')).toBe(r.polling.requests);
    expect(await figure(page, 's12-poll0-1')).toBe(r.polling.empty);
    expect(await figure(page, 's12-push-2')).toBe(r.push.deliveries);
    expect(await figure(page, 's12-push-3')).toBe(r.push.latencyMs.p50);
    expect(await figure(page, 's12-poll0-3')).toBe(r.polling.stalenessMs.p50);
    // The webhook side makes no polling request: shown as not counted, not as a zero.
    expect(await page.getByTestId('s12-push-0').textContent()).toBe('—');
    expect(r.push.deliveries).toBe(4);
    await page.screenshot({ path: join(ARTIFACTS, 'console-s12.png'), fullPage: true });
  }, 300_000);

  it('runs S11 from the console: progress while it measures, then the chart with the counted figures', async () => {
    const runId = await run(page, 'S11', { poll_intervals_ms: '200,1000', duration_ms: '3000' });
    // It measures for 3 s: the page says which step it is on while it does.
    expect(await page.getByTestId('run-progress').textContent()).toMatch(/step \d of \d+ · \d+ s/);
    await passed(page, runId);
    await page.waitForSelector('[data-testid="s11-chart"]');
    const { result } = await apiGet<RunBody<S11Result>>(page, `/api/runs/${runId}`);
    const r = result!;
    const sides = [
      ['push', r.push],
      ['poll0', r.polls[0]!],
      ['poll1', r.polls[1]!],
    ] as const;
    for (const [key, side] of sides) {
      expect(await figure(page, `s11-${key}-0`), `${key} requests made`).toBe(side.requests_made);
      expect(await figure(page, `s11-${key}-1`), `${key} told nothing new`).toBe(side.requests_nothing_new);
      expect(await figure(page, `s11-${key}-2`), `${key} deliveries`).toBe(side.deliveries_received);
      expect(await figure(page, `s11-${key}-4`), `${key} staleness p50`).toBe(side.staleness_ms.p50);
      expect(await figure(page, `s11-${key}-5`), `${key} staleness p99`).toBe(side.staleness_ms.p99);
    }
    // Pushed, every change arrives for a handful of requests; the fast poller asks more and hears nothing new.
    expect(r.push.deliveries_received).toBeGreaterThan(0);
    expect(r.polls[0]!.requests_made).toBeGreaterThan(r.push.requests_made);
    // The hub and the ticker are lifelines of the run's diagram.
    const lifelines = await page.$$eval('[data-testid="diagram"] .actor-name', (els) =>
      els.map((e) => e.textContent),
    );
    expect(lifelines).toEqual(expect.arrayContaining(['hub', 'ticker']));
    await page.screenshot({ path: join(ARTIFACTS, 'console-s11.png'), fullPage: true });
  }, 300_000);

  it('runs S15 from the console: every attack in the table, each marked refused', async () => {
    const runId = await run(page, 'S15', { burst: '120' });
    await passed(page, runId);
    await page.waitForSelector('[data-testid="s15-trials"]');
    const { result } = await apiGet<RunBody<S15Result>>(page, `/api/runs/${runId}`);
    const rows = await page.$$eval('[data-testid="s15-trial"]', (trs) =>
      trs.map((tr) => ({
        refused: (tr as HTMLElement).dataset.refused,
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })),
    );
    expect(rows).toHaveLength(result!.trials.length);
    expect(rows.length).toBeGreaterThan(10);
    rows.forEach((row, i) => {
      const t = result!.trials[i]!;
      expect(row.cells).toEqual([t.side, t.target, t.attack, t.answer, '✓ refused']);
      expect(row.refused).toBe('true');
    });
    expect(await page.getByTestId('s15-summary').textContent()).toBe('every one refused');
    await page.screenshot({ path: join(ARTIFACTS, 'console-s15.png'), fullPage: true });
  }, 300_000);

  it('"SMTP down" on the mailbox: mail is refused with 421 until it is switched back, then taken', async () => {
    const smtp = createTransport({ url: stack.env.SMTP_URL! });
    const send = (subject: string) =>
      smtp.sendMail({ from: 'shop@hooklab.test', to: 'ada@example.test', subject, text: 'hello' }).then(
        (info) => ({ accepted: info.accepted, code: 250 }),
        (err: { responseCode?: number }) => ({ accepted: [], code: err.responseCode }),
      );
    await page.waitForSelector('[data-testid="smtp-state"][data-down="false"]');
    await page.getByTestId('smtp-switch').click();
    await page.waitForSelector('[data-testid="smtp-state"][data-down="true"]');
    await page.waitForSelector(
      '[data-testid="switch"][data-service="mailbox"][data-mode="down"][data-open="true"]',
    );
    expect(
      await page.locator('[data-testid="switch"][data-service="mailbox"]').first().textContent(),
    ).toContain('SMTP down');
    expect(await send('while down')).toEqual({ accepted: [], code: 421 });

    await page.getByTestId('smtp-switch').click();
    await page.waitForSelector('[data-testid="smtp-state"][data-down="false"]');
    expect(await send('back up')).toEqual({ accepted: ['ada@example.test'], code: 250 });
    const inbox = (await (await fetch(`${stack.urls.mailbox}/api/v1/messages`)).json()) as {
      data: { subject: string }[];
    };
    expect(inbox.data.map((m) => m.subject)).toContain('back up');
    expect(inbox.data.map((m) => m.subject)).not.toContain('while down');
    smtp.close();
  }, 120_000);

  it('"Topic broker down": a topic: send fails and is retried; "back up": delivered', async () => {
    const line = page.locator('[data-testid="switch"][data-service="topic broker"]').first();
    const effect = () => line.getByTestId('switch-effect').textContent();
    await page.waitForSelector('[data-testid="broker-state"][data-down="false"]');
    await page.getByTestId('broker-switch').click();
    await page.waitForSelector('[data-testid="broker-state"][data-down="true"]');
    await page.waitForSelector(
      '[data-testid="switch"][data-service="topic broker"][data-mode="broker-down"][data-open="true"]',
    );
    // The cheapest topic: send: one shipment whose callback is a topic (no scenario, no subscriber needed).
    const res = await fetch(`${stack.urls.logistics}/v1/shipments`, {
      method: 'POST',
      headers: { authorization: 'Bearer lg_test_hooklab', 'content-type': 'application/json' },
      body: JSON.stringify({
        order_id: `br_${Date.now().toString(36)}`,
        items: [{ sku: 'DR-001', name: 'Linen wrap dress', quantity: 1 }],
        ship_to: {
          name: 'Ada Lovelace',
          line1: '12 rue de Rivoli',
          city: 'Paris',
          postal_code: '75001',
          country: 'FR',
        },
        callback_url: `topic:browser/shipments/${Date.now().toString(36)}`,
      }),
    });
    expect(res.status).toBe(202);
    await expect
      .poll(effect, { timeout: 30_000 })
      .toMatch(/^\d+ message\(s\) refused, \d+ retr(y|ies), none delivered yet$/);

    await page.getByTestId('broker-switch').click();
    await page.waitForSelector('[data-testid="broker-state"][data-down="false"]');
    await page.waitForSelector('[data-testid="switch"][data-service="topic broker"][data-open="false"]');
    await expect
      .poll(effect, { timeout: 60_000 })
      .toMatch(/^\d+ message\(s\) refused, [1-9]\d* retr(y|ies), (all )?delivered after [\d.]+ s$/);
  }, 120_000);

  it('"Queue consumer crashes before ack", then S08: a warehouse crashes holding a message; redelivered, handled once', async () => {
    await page.waitForSelector('[data-testid="crash-state"][data-armed="false"]');
    await page.getByTestId('crash-switch').click();
    await page.waitForSelector('[data-testid="crash-state"][data-armed="true"]');
    const runId = await run(page, 'S08', { shipments_per_target: '1' });
    await passed(page, runId);
    const line = page.locator('[data-testid="switch"][data-service="queue consumers"]').first();
    await expect
      .poll(() => line.getByTestId('switch-effect').textContent(), { timeout: 30_000 })
      .toMatch(
        /^warehouse-[ab] crashed holding shipment\.[a-z_.]+ \(no ack\); redelivered to warehouse-[ab] [\d.]+ s later, handled once$/,
      );
    await page.waitForSelector('[data-testid="crash-state"][data-armed="false"]');
    await page.screenshot({ path: join(ARTIFACTS, 'console-transport-faults.png'), fullPage: true });
    await page.getByTestId('clear-faults').click();
  }, 300_000);
});
