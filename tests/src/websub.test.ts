// S10 and S11 on hub + ticker, in-process on free ports, as the console and the walkthrough run them.
import {
  createContext,
  type S10Result,
  type S11Result,
  type ScenarioContext,
  type ScenarioId,
  scenarios,
  waitFor,
} from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['hub', 'ticker'], { env: { TICKER_UPDATES_PER_SECOND: '4' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function run<R>(id: ScenarioId, params: ScenarioContext['params'] = {}) {
  const scenario = scenarios[id];
  if (!scenario) throw new Error(`scenario ${id} is not registered`);
  const ctx = createContext({ scenario: id, urls: stack.urls, params });
  const result = (await scenario.run(ctx)) as R;
  const steps = ctx.narration.flatMap((n) => (n.text.startsWith('step ') && n.step !== null ? [n.step] : []));
  expect(steps).toEqual(scenario.steps.map((_, i) => i));
  return { result, ctx };
}

describe('WebSub scenarios on hub + ticker', () => {
  it('S10: discovery, 202, verification, a signed delivery, a renewal and a verified unsubscribe', async () => {
    const { result } = await run<S10Result>('S10');
    expect(result).toMatchObject({
      topic: `${stack.urls.ticker}/topics/ACME`,
      hub: `${stack.urls.hub}/`,
      discoveredFrom: 'link-header',
      delivery: { algorithm: 'sha256' },
      forged: { ignored: 1 },
      unsigned: { status: 401 },
      hubSubscriptions: { before: 1, after: 0 },
    });
    expect(result.renewals).toBeGreaterThanOrEqual(1);
    // Refused: the stray verification (and nothing the hub sent for what the subscriber asked for).
    expect(result.verifications.refused).toBe(1);
    expect(result.verifications.answered).toBeGreaterThanOrEqual(3);
  });

  it('S11: push and polling on the same prices, each side counted', async () => {
    const { result } = await run<S11Result>('S11', {
      symbols: 'ACME,GLOBEX',
      poll_intervals_ms: '200,1000',
      duration_ms: 3000,
    });
    const [fast, slow] = result.polls;
    expect(result.changes).toBeGreaterThan(10);
    // Pushed: every change seen (each delivery carries the recent ones), for a handful of requests.
    expect(result.push.changes_seen).toBe(result.changes);
    expect(result.push.deliveries_received).toBeGreaterThan(0);
    expect(result.push.requests_made).toBeLessThanOrEqual(6);
    // Polled every 200 ms: more polls than changes, so some are 304s; every second: most changes never seen.
    expect(fast!.requests_made).toBeGreaterThan(result.push.requests_made);
    expect(fast!.requests_nothing_new).toBeGreaterThan(0);
    expect(slow!.changes_seen).toBeLessThan(result.changes);
    // Alerts: the subscriber saw every change, so it raised one per band crossing in the history; a poller, seeing
    // only some prices, can raise no more than that.
    expect(result.push.alerts).toHaveLength(result.crossings);
    expect(slow!.alerts.length).toBeLessThanOrEqual(result.crossings);
    for (const side of [result.push, fast!, slow!]) {
      expect(side.changes_known).toBe(result.changes);
      expect(side.staleness_ms.p50).not.toBeNull();
    }
  });
});

describe('S11 with the notifier in the stack', () => {
  let withNotifier: Stack;
  beforeAll(async () => {
    withNotifier = await startStack(['slack', 'hub', 'ticker', 'notifier'], {
      env: {
        TICKER_UPDATES_PER_SECOND: '4',
        NOTIFIER_MARKET_ALERTS: '*:0.05',
        // One symbol, and Slack's per-channel posting limit raised: a low threshold makes many alerts, and
        // the scenario waits for the notifier's queue of posts to drain before it reads #markets.
        NOTIFIER_MARKET_SYMBOLS: 'ACME',
        SLACK_RATE_LIMIT_SCALE: '20',
        NOTIFIER_SOCIAL: '0',
        STRIPE_WEBHOOK_SECRET: 'whsec_s11_test',
        SHOP_WEBHOOK_SECRET: 'whsec_czExLXRlc3Q=',
      },
    });
    await waitFor(
      async () =>
        (
          (await (await fetch(`${withNotifier.urls.notifier}/api/status`)).json()) as {
            feeds: { markets: string };
          }
        ).feeds.markets === 'registered',
      { what: 'the notifier subscribed to the ticker', timeoutMs: 20_000 },
    );
  }, 60_000);
  afterAll(async () => {
    await withNotifier?.stop();
  });

  it('reports the alerts the notifier posted into #markets beside its own push and poll figures', async () => {
    const ctx = createContext({
      scenario: 'S11',
      urls: withNotifier.urls,
      params: { symbols: 'ACME', poll_intervals_ms: '1000', duration_ms: 2000 },
    });
    const result = (await scenarios.S11!.run(ctx)) as S11Result;
    expect(result.push.changes_seen).toBe(result.changes);
    expect(result.notifier?.markets_alerts).toBeGreaterThan(0);
    expect(result.notifier?.latest).toMatch(/^[A-Z]+ (up|down) \d+\.\d\d % to /);
  });
});
