import { createManualClock } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestLogistics } from '../test-support.ts';
import { createJobRunner, type JobHandler } from './job-runner.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('job runner', () => {
  it('retries a step that throws, with backoff, and keeps the error on the row', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 29));
    const t = createTestLogistics({ clock });
    cleanups.push(() => t.close());
    let calls = 0;
    const flaky: JobHandler = async () => {
      calls++;
      if (calls === 1) throw new Error('label printer jammed');
      return () => null;
    };
    const runner = createJobRunner({
      sqlite: t.sqlite,
      clock,
      handlers: { shipment: flaky, quote: flaky, manifest: flaky },
      retryMs: 1000,
    });
    runner.schedule('quote', 'quo_x', clock.now());
    expect(await runner.runDue()).toBe(1);
    const failed = t.sqlite
      .prepare(`SELECT status, attempts, last_error, next_run_at FROM jobs WHERE subject_id = 'quo_x'`)
      .get();
    expect(failed).toEqual({
      status: 'pending',
      attempts: 1,
      last_error: 'label printer jammed',
      next_run_at: clock.now() + 1000,
    });
    expect(await runner.runDue()).toBe(0);
    clock.advance(1000);
    expect(await runner.runDue()).toBe(1);
    expect(
      t.sqlite.prepare(`SELECT status, attempts, last_error FROM jobs WHERE subject_id = 'quo_x'`).get(),
    ).toEqual({
      status: 'done',
      attempts: 0,
      last_error: null,
    });
  });

  it('rolls the whole step back when its commit throws: no state change, no outbox row', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 29));
    const t = createTestLogistics({ clock });
    cleanups.push(() => t.close());
    const broken: JobHandler = async () => () => {
      t.sqlite.prepare(`UPDATE jobs SET last_error = 'half-done' WHERE subject_id = 'shp_y'`).run();
      throw new Error('crash inside the transaction');
    };
    const runner = createJobRunner({
      sqlite: t.sqlite,
      clock,
      handlers: { shipment: broken, quote: broken, manifest: broken },
    });
    runner.schedule('shipment', 'shp_y', clock.now());
    await runner.runDue();
    const row = t.sqlite.prepare(`SELECT status, last_error FROM jobs WHERE subject_id = 'shp_y'`).get();
    expect(row).toEqual({ status: 'pending', last_error: 'crash inside the transaction' });
    expect((t.sqlite.prepare('SELECT count(*) AS n FROM outbox_messages').get() as { n: number }).n).toBe(0);
  });
});
