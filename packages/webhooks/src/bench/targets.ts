// The delivery bench's targets against BullMQ, as ratios of figures measured in the same run.

export interface TargetFigures {
  /** At-least-once deliveries/s under saturation: ours (SQLite), BullMQ, and the raw floor (a). */
  oursPerSec: number;
  bullmqPerSec: number | null;
  floorPerSec: number;
  /** p99 enqueue → 2xx at the steady offered rate, ms. */
  oursSteadyP99Ms: number;
  bullmqSteadyP99Ms: number | null;
  /** Memory one pending message costs: our process RSS vs Redis' used_memory_rss, bytes. */
  oursBytesPerPending: number;
  redisBytesPerPending: number | null;
}

export interface TargetResult {
  name: string;
  /** null when a figure is missing (BullMQ skipped) or cannot be divided. */
  ratio: number | null;
  target: string;
  met: boolean | null;
}

const ratioOf = (x: number | null, y: number | null): number | null =>
  x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y) || y <= 0 ? null : x / y;

const atLeast = (name: string, ratio: number | null, min: number, target: string): TargetResult => ({
  name,
  ratio,
  target,
  met: ratio === null ? null : ratio >= min,
});

const atMost = (name: string, ratio: number | null, max: number, target: string): TargetResult => ({
  name,
  ratio,
  target,
  met: ratio === null ? null : ratio <= max,
});

/** Each target: the ratio measured, the bound, met or not (null: not measurable in this run). */
export function evaluateTargets(f: TargetFigures): TargetResult[] {
  return [
    atLeast('deliveries/s, ours ÷ BullMQ', ratioOf(f.oursPerSec, f.bullmqPerSec), 1.5, '≥ 1.5×'),
    atLeast('deliveries/s, ours ÷ raw floor (a)', ratioOf(f.oursPerSec, f.floorPerSec), 0.6, '≥ 60 %'),
    atMost('steady p99, ours ÷ BullMQ', ratioOf(f.oursSteadyP99Ms, f.bullmqSteadyP99Ms), 0.1, '≤ 1/10'),
    atMost(
      'memory per pending message, ours ÷ Redis',
      ratioOf(f.oursBytesPerPending, f.redisBytesPerPending),
      0.25,
      '≤ 1/4',
    ),
  ];
}

/** The "targets" block: one line per target, ratio with two decimals, then the verdict. */
export function formatTargets(results: TargetResult[], missing = 'BullMQ skipped'): string[] {
  const width = Math.max(...results.map((r) => r.name.length));
  return [
    'targets',
    ...results.map((r) => {
      const ratio = r.ratio === null ? '—' : r.ratio.toFixed(2);
      const verdict = r.met === null ? `n/a (${missing})` : r.met ? 'met' : 'NOT met';
      return `  ${r.name.padEnd(width)}  ${ratio.padStart(6)}  target ${r.target.padEnd(6)}  ${verdict}`;
    }),
  ];
}
