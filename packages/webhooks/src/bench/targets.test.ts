import { describe, expect, it } from 'vitest';
import { evaluateTargets, formatTargets, type TargetFigures } from './targets.ts';

const figures: TargetFigures = {
  oursPerSec: 6000,
  bullmqPerSec: 4000,
  floorPerSec: 10_000,
  oursSteadyP99Ms: 3,
  bullmqSteadyP99Ms: 30,
  oursBytesPerPending: 500,
  redisBytesPerPending: 2000,
};

const verdicts = (f: TargetFigures) => evaluateTargets(f).map((r) => [r.ratio, r.met]);

describe('delivery bench targets', () => {
  it('meets every target exactly at its bound', () => {
    expect(verdicts(figures)).toEqual([
      [1.5, true],
      [0.6, true],
      [0.1, true],
      [0.25, true],
    ]);
  });

  it('misses each target just past its bound', () => {
    const missed = verdicts({
      ...figures,
      oursPerSec: 5900,
      oursSteadyP99Ms: 3.1,
      oursBytesPerPending: 510,
    });
    expect(missed.map(([, met]) => met)).toEqual([false, false, false, false]);
  });

  it('says n/a, not met or missed, for what a skipped BullMQ could not measure', () => {
    const results = evaluateTargets({
      ...figures,
      bullmqPerSec: null,
      bullmqSteadyP99Ms: null,
      redisBytesPerPending: null,
    });
    expect(results.map((r) => r.met)).toEqual([null, true, null, null]);
    const lines = formatTargets(results, 'skipped: redis-server not found');
    expect(lines[0]).toBe('targets');
    expect(lines[1]).toMatch(
      /ours ÷ BullMQ\s+—\s+target ≥ 1\.5×\s+n\/a \(skipped: redis-server not found\)$/,
    );
    expect(lines[2]).toMatch(/0\.60\s+target ≥ 60 %\s+met$/);
  });

  it('never divides by a zero or missing figure', () => {
    const results = evaluateTargets({ ...figures, bullmqPerSec: 0, floorPerSec: Number.NaN });
    expect(results[0]).toMatchObject({ ratio: null, met: null });
    expect(results[1]).toMatchObject({ ratio: null, met: null });
  });

  it('prints NOT met in capitals so a failed target stands out', () => {
    const lines = formatTargets(evaluateTargets({ ...figures, bullmqSteadyP99Ms: 10 }));
    expect(lines[3]).toMatch(/0\.30\s+target ≤ 1\/10\s+NOT met$/);
  });
});
