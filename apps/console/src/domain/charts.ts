// What a finished run's result shows beside its trace: asking versus being told (S02, S11, S12) as one kind
// of chart, and S15's attacks as a table. Only counted figures: what the scenario measured, never a formula.
import type { PollingVsWebhookResult, S11Result, S12Result, S15Trial, SideFigures } from '@hooklab/scenarios';

import type { RunView } from './store.ts';

export interface ChartSide {
  /** Stable key, used in test ids (`s11-push-0`). */
  key: string;
  label: string;
  tone: 'poll' | 'push';
}

/** One row of the chart: a figure for each side, in the sides' order; null where the side does not count it. */
export interface ChartMetric {
  label: string;
  unit: 'count' | 'ms';
  values: (number | null)[];
  help?: string;
}

export interface Chart {
  /** Lower-case scenario id, the prefix of the chart's test ids. */
  id: string;
  title: string;
  sides: ChartSide[];
  metrics: ChartMetric[];
  note?: string;
}

type Run = Pick<RunView, 'scenario' | 'status' | 'result'>;

const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function s02Chart(r: PollingVsWebhookResult): Chart | undefined {
  const { polling: p, webhook: w } = r;
  if (!obj(p) || !obj(w)) return undefined;
  return {
    id: 's02',
    title: 'S02 — polling versus push, counted by the shop',
    sides: [
      { key: 'polling', label: `polling (every ${r.intervalMs ?? '?'} ms)`, tone: 'poll' },
      { key: 'webhook', label: 'webhook', tone: 'push' },
    ],
    metrics: [
      { label: 'requests made', unit: 'count', values: [p.requests_made, w.requests_made] },
      { label: 'told nothing new', unit: 'count', values: [p.requests_nothing_new, w.requests_nothing_new] },
      { label: 'deliveries received', unit: 'count', values: [p.deliveries_received, w.deliveries_received] },
    ],
    note: `Knew the payment succeeded ≈${p.delay_ms?.estimate ?? '?'} ms after it did by polling, ≈${w.delay_ms?.estimate ?? '?'} ms by webhook.`,
  };
}

function s11Chart(r: S11Result): Chart | undefined {
  if (!obj(r.push) || !Array.isArray(r.polls)) return undefined;
  const sides: SideFigures[] = [r.push, ...r.polls];
  const row = (
    label: string,
    pick: (s: SideFigures) => number | null,
    unit: 'count' | 'ms' = 'count',
    help?: string,
  ) => ({
    label,
    unit,
    values: sides.map(pick),
    ...(help ? { help } : {}),
  });
  return {
    id: 's11',
    title: `S11 — ${r.symbols.join(', ')}: push through the hub versus polling, ${r.changes} price changes in ${(r.duration_ms / 1000).toFixed(1)} s`,
    sides: [
      { key: 'push', label: 'push (WebSub)', tone: 'push' },
      ...r.polls.map((p, i) => ({
        key: `poll${i}`,
        label: `polling every ${p.interval_ms ?? '?'} ms`,
        tone: 'poll' as const,
      })),
    ],
    metrics: [
      row('requests made', (s) => s.requests_made, 'count', 'push: discovery, subscribe, unsubscribe'),
      row('told nothing new', (s) => s.requests_nothing_new, 'count', '304s, or a delivery already known'),
      row('deliveries received', (s) => s.deliveries_received),
      row(
        'changes seen',
        (s) => s.changes_seen,
        'count',
        `of ${r.changes}; a poller misses those between polls`,
      ),
      row('staleness p50', (s) => s.staleness_ms.p50, 'ms', 'change → known'),
      row('staleness p99', (s) => s.staleness_ms.p99, 'ms', 'change → known'),
      row('alerts', (s) => s.alerts.length, 'count', `${r.crossings} threshold crossing(s) in the history`),
    ],
    note: 'Counted while measuring, from the ticker’s history and each side’s own requests and deliveries.',
  };
}

function s12Chart(r: S12Result): Chart | undefined {
  if (!obj(r.push) || !obj(r.polling)) return undefined;
  return {
    id: 's12',
    title: `S12 — ${r.posts} #dresses posts: webhook versus polling the search API`,
    sides: [
      { key: 'push', label: 'webhook', tone: 'push' },
      { key: 'poll0', label: `polling every ${r.pollIntervalMs} ms`, tone: 'poll' },
    ],
    metrics: [
      { label: 'requests made', unit: 'count', values: [null, r.polling.requests] },
      { label: 'told nothing new', unit: 'count', values: [null, r.polling.empty], help: 'empty answers' },
      { label: 'deliveries received', unit: 'count', values: [r.push.deliveries, null] },
      {
        label: 'post → known p50',
        unit: 'ms',
        values: [r.push.latencyMs.p50, r.polling.stalenessMs.p50],
      },
      {
        label: 'post → known max',
        unit: 'ms',
        values: [r.push.latencyMs.max, r.polling.stalenessMs.max],
      },
    ],
    note: `The receiver answered ${r.push.crcChecks} CRC check(s) and refused ${r.push.refused} delivery(ies). “—”: not counted on that side.`,
  };
}

/** The asking-versus-told chart of a passed run, when its scenario returns one. */
export function chartOf(run: Run | undefined): Chart | undefined {
  if (run?.status !== 'passed' || !obj(run.result)) return undefined;
  switch (run.scenario) {
    case 'S02':
      return s02Chart(run.result as unknown as PollingVsWebhookResult);
    case 'S11':
      return s11Chart(run.result as unknown as S11Result);
    case 'S12':
      return s12Chart(run.result as unknown as S12Result);
    default:
      return undefined;
  }
}

/** One attack of S15; `side` is unknown when the row was read back from the narration. */
export type TrialRow = Omit<S15Trial, 'side'> & { side?: S15Trial['side'] };

const TRIAL_LINE = /^(refused|NOT REFUSED) · (.+?) · (.+?) → (.*)$/s;

/**
 * S15's attacks, one row each: from the result of a passed run, or — while it runs, or when an attack got
 * through and failed it — from the lines it narrated, one per attack (`refused · target · attack → answer`).
 */
export function trialsOf(run: (Run & Partial<Pick<RunView, 'lines'>>) | undefined): TrialRow[] | undefined {
  if (run?.scenario !== 'S15') return undefined;
  const trials = obj(run.result) ? (run.result as { trials?: unknown }).trials : undefined;
  if (Array.isArray(trials)) return trials as S15Trial[];
  const fromLines = (run.lines ?? []).flatMap((l) => {
    const m = TRIAL_LINE.exec(l.text);
    return m ? [{ target: m[2]!, attack: m[3]!, answer: m[4]!, refused: m[1] === 'refused' }] : [];
  });
  return fromLines.length ? fromLines : undefined;
}
