import type { S11Result, S12Result, SideFigures } from '@hooklab/scenarios';
import { describe, expect, it } from 'vitest';
import { delivery, exchange, URLS } from '../test-support.ts';
import { chartOf, trialsOf } from './charts.ts';
import { buildHops, createNamer } from './hops.ts';
import { effectOf, type Switch, switchLabel } from './switches.ts';

const side = (over: Partial<SideFigures>): SideFigures => ({
  side: 'poll',
  interval_ms: 1000,
  requests_made: 0,
  requests_nothing_new: 0,
  deliveries_received: 0,
  changes_seen: 0,
  changes_known: 0,
  staleness_ms: { samples: 0, p50: null, p99: null, max: null },
  alerts: [],
  ...over,
});

const s11: S11Result = {
  symbols: ['ACME', 'GLOBEX'],
  duration_ms: 3000,
  threshold_pct: 0.3,
  changes: 24,
  crossings: 2,
  push: side({
    side: 'push',
    interval_ms: null,
    requests_made: 4,
    deliveries_received: 20,
    requests_nothing_new: 1,
    changes_seen: 24,
    changes_known: 24,
    staleness_ms: { samples: 24, p50: 6, p99: 19, max: 19 },
  }),
  polls: [
    side({
      interval_ms: 200,
      requests_made: 30,
      requests_nothing_new: 9,
      changes_seen: 21,
      changes_known: 24,
      staleness_ms: { samples: 24, p50: 110, p99: 198, max: 199 },
    }),
    side({ interval_ms: 1000, requests_made: 6, changes_seen: 6, changes_known: 24 }),
  ],
};

const s12: S12Result = {
  receiver: 'own',
  webhookId: 'wh_1',
  ruleId: 'r_1',
  posts: 4,
  pollIntervalMs: 300,
  push: { deliveries: 4, refused: 0, crcChecks: 1, latencyMs: { p50: 8, max: 15 } },
  polling: { requests: 11, empty: 7, stalenessMs: { p50: 160, max: 290 } },
};

const passed = (scenario: string, result: unknown) => ({ scenario, status: 'passed' as const, result });

describe('chartOf: asking versus being told, from what the run counted', () => {
  it('S11: one side for push and one per polling interval, each figure as the scenario returned it', () => {
    const chart = chartOf(passed('S11', s11))!;
    expect(chart.id).toBe('s11');
    expect(chart.sides.map((x) => [x.key, x.label, x.tone])).toEqual([
      ['push', 'push (WebSub)', 'push'],
      ['poll0', 'polling every 200 ms', 'poll'],
      ['poll1', 'polling every 1000 ms', 'poll'],
    ]);
    const row = (label: string) => chart.metrics.find((m) => m.label === label)!.values;
    expect(row('requests made')).toEqual([4, 30, 6]);
    expect(row('told nothing new')).toEqual([1, 9, 0]);
    expect(row('deliveries received')).toEqual([20, 0, 0]);
    expect(row('changes seen')).toEqual([24, 21, 6]);
    expect(row('staleness p50')).toEqual([6, 110, null]);
    expect(row('staleness p99')).toEqual([19, 198, null]);
  });

  it('S12: webhook beside the poller; what a side does not count is null, not a made-up zero', () => {
    const chart = chartOf(passed('S12', s12))!;
    expect(chart.sides.map((x) => x.key)).toEqual(['push', 'poll0']);
    expect(chart.metrics.map((m) => [m.label, m.values])).toEqual([
      ['requests made', [null, 11]],
      ['told nothing new', [null, 7]],
      ['deliveries received', [4, null]],
      ['post → known p50', [8, 160]],
      ['post → known max', [15, 290]],
    ]);
  });

  it('S02 keeps its ids (s02-polling-*, s02-webhook-*); nothing for running or failed runs or other scenarios', () => {
    const figures = {
      requests_made: 9,
      requests_nothing_new: 8,
      deliveries_received: 0,
      delay_ms: { estimate: 100 },
    };
    const chart = chartOf(
      passed('S02', { intervalMs: 200, polling: figures, webhook: { ...figures, requests_made: 1 } }),
    )!;
    expect(chart.sides.map((x) => x.key)).toEqual(['polling', 'webhook']);
    expect(chart.metrics[0]!.values).toEqual([9, 1]);
    expect(chartOf({ scenario: 'S11', status: 'running', result: undefined })).toBeUndefined();
    expect(chartOf({ scenario: 'S11', status: 'failed', result: s11 })).toBeUndefined();
    expect(chartOf(passed('S04', { order: {} }))).toBeUndefined();
    expect(chartOf(passed('S11', { push: 1 }))).toBeUndefined();
  });
});

describe('trialsOf: S15’s attacks', () => {
  it('reads the table of a passed run', () => {
    const trials = [
      { side: 'api', target: 'payments', attack: 'no API key', answer: '401 …', refused: true },
    ] as const;
    expect(trialsOf(passed('S15', { trials, effects: {}, leaks: [] }))).toEqual(trials);
  });

  it('reads them back from the narration while it runs or when an attack got through and failed it', () => {
    const line = (text: string) => ({ at: 0, step: 1, text });
    const rows = trialsOf({
      scenario: 'S15',
      status: 'failed',
      result: undefined,
      lines: [
        line('step 1'),
        line('refused · payments · no API key → 401 authentication_required'),
        line('NOT REFUSED · a Stripe receiver · replayed copy → 200 {"received":true}'),
      ],
    });
    expect(rows).toEqual([
      { target: 'payments', attack: 'no API key', answer: '401 authentication_required', refused: true },
      {
        target: 'a Stripe receiver',
        attack: 'replayed copy',
        answer: '200 {"received":true}',
        refused: false,
      },
    ]);
    expect(trialsOf(passed('S11', s11))).toBeUndefined();
  });
});

describe('SMTP down (the mailbox’s receiver switch)', () => {
  it('is named for what it does, and its effect counts the e-mails refused and when they arrived', () => {
    const sw: Switch = { id: 'sw_1', service: 'mailbox', kind: 'receiver', mode: 'down', at: 1_000_000 };
    expect(switchLabel(sw)).toBe('SMTP down (421 to every connection)');
    const mail = (attempt: number, status: number | null, start: number) =>
      exchange({
        service: 'logistics',
        from: 'logistics',
        to: '',
        direction: 'out',
        kind: 'webhook',
        method: 'POST',
        url: 'mailto:ops@atelier.test',
        status,
        start,
        requestHeaders: { 'x-hooklab-event-id': 'evt_1', 'x-hooklab-attempt': String(attempt) },
      });
    const hops = buildHops([mail(1, null, 10), mail(2, 250, 2000)], createNamer(URLS));
    expect(effectOf({ ...sw, until: 1_001_500 }, hops, 1_003_000)).toBe(
      '1 message(s) refused, 1 retry, delivered after 2.0 s',
    );
    // An HTTP delivery to another app is not the mailbox's business.
    const other = buildHops(
      delivery({
        from: 'payments',
        to: 'shop',
        url: `${URLS.shop}/webhooks/stripe`,
        eventId: 'evt_2',
        eventType: 'x',
        attempt: 1,
        status: 500,
        start: 20,
      }),
      createNamer(URLS),
    );
    expect(effectOf(sw, other, 1_003_000)).toBe('no delivery has met it yet');
  });
});
