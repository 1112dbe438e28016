import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteClient } from './index.ts';
import { createJobRunner, type Job, type JobHandler, type JobRunnerOptions } from './jobs.ts';

const T0 = Date.UTC(2026, 10, 29);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A clock that moves only when told, firing the timers that came due (as @hooklab/webhooks' manual clock). */
function manualClock(start = T0) {
  let t = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimeout(fn: () => void, ms: number) {
      timers.set(++seq, { at: t + ms, fn });
      return seq;
    },
    clearTimeout(h: unknown) {
      timers.delete(h as number);
    },
    advance(ms: number) {
      t += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > t) continue;
        timers.delete(id);
        timer.fn();
      }
    },
  };
}

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-jobs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'app.sqlite');
}

function open(file = ':memory:') {
  const db = openDatabase({ file });
  db.sqlite.exec('CREATE TABLE IF NOT EXISTS log (what TEXT NOT NULL)');
  return db;
}

function runner(
  sqlite: SqliteClient,
  clock: ReturnType<typeof manualClock>,
  handlers: Record<string, JobHandler>,
  extra: Partial<JobRunnerOptions> = {},
) {
  const r = createJobRunner({ sqlite, clock, handlers, ...extra });
  cleanups.push(() => r.stop());
  return r;
}

const row = (sqlite: SqliteClient, subjectId: string) =>
  sqlite
    .prepare('SELECT status, run_at, attempts, last_error FROM jobs_queue WHERE subject_id = ?')
    .get(subjectId);
const logged = (sqlite: SqliteClient) =>
  (sqlite.prepare('SELECT what FROM log ORDER BY rowid').all() as { what: string }[]).map((r) => r.what);

describe('job runner', () => {
  it('is durable: a job scheduled in a transaction runs after the same file is reopened', async () => {
    const file = tempFile();
    const clock = manualClock();
    const first = open(file);
    const r1 = createJobRunner({ sqlite: first.sqlite, clock, handlers: {} });
    first.sqlite.transaction(() => {
      first.sqlite.prepare("INSERT INTO log (what) VALUES ('order created')").run();
      r1.schedule({ kind: 'order.expire', subjectId: 'ord_1', scope: 'acct_1', runAt: T0 + 30_000 });
    })();
    // A rolled-back transaction leaves no job behind.
    expect(() =>
      first.sqlite.transaction(() => {
        r1.schedule({ kind: 'order.expire', subjectId: 'ord_2', runAt: T0 });
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    await r1.stop();
    first.close();

    const second = open(file);
    cleanups.push(() => second.close());
    const seen: Job[] = [];
    const r2 = runner(second.sqlite, clock, {
      'order.expire': (job) => {
        seen.push(job);
        return () => {
          second.sqlite.prepare("INSERT INTO log (what) VALUES ('order expired')").run();
          return null;
        };
      },
    });
    expect(r2.pending()).toBe(1);
    expect(await r2.runDue()).toBe(0);
    clock.advance(30_000);
    expect(await r2.runDue()).toBe(1);
    expect(seen).toEqual([
      {
        id: expect.stringMatching(/^job_/),
        kind: 'order.expire',
        subjectId: 'ord_1',
        scope: 'acct_1',
        runAt: T0 + 30_000,
        attempts: 0,
      },
    ]);
    expect(logged(second.sqlite)).toEqual(['order created', 'order expired']);
    expect(r2.pending()).toBe(0);
  });

  it('fires on the clock once started, and takes over what a dead process held', async () => {
    const file = tempFile();
    const clock = manualClock();
    const dead = open(file);
    const r1 = createJobRunner({
      sqlite: dead.sqlite,
      clock,
      handlers: { ping: () => new Promise(() => {}) },
    });
    r1.schedule({ kind: 'ping', subjectId: 'a', runAt: T0 });
    void r1.runDue(); // claims the job, then the "process" dies mid-step
    dead.close();

    const alive = open(file);
    cleanups.push(() => alive.close());
    const ran = deferred<string>();
    const later = deferred<string>();
    const r2 = runner(alive.sqlite, clock, {
      ping: (job) => {
        ran.resolve(job.subjectId);
      },
      pong: (job) => {
        later.resolve(job.subjectId);
      },
    });
    r2.start();
    expect(await ran.promise).toBe('a');
    r2.schedule({ kind: 'pong', subjectId: 'b', runAt: T0 + 5000 });
    await r2.idle();
    clock.advance(5000);
    expect(await later.promise).toBe('b');
    await r2.idle();
    expect(row(alive.sqlite, 'b')).toMatchObject({ status: 'done' });
  });

  it('a lease keeps a job from a second runner until it expires; the late first runner then commits nothing', async () => {
    const clock = manualClock();
    const { sqlite } = open();
    const reached = deferred();
    const release = deferred();
    const a = runner(
      sqlite,
      clock,
      {
        sync: async () => {
          reached.resolve();
          await release.promise;
          return () => {
            sqlite.prepare("INSERT INTO log (what) VALUES ('a')").run();
            return null;
          };
        },
      },
      { leaseMs: 10_000 },
    );
    const b = runner(
      sqlite,
      clock,
      {
        sync: () => () => {
          sqlite.prepare("INSERT INTO log (what) VALUES ('b')").run();
          return null;
        },
      },
      { leaseMs: 10_000 },
    );
    a.schedule({ kind: 'sync', subjectId: 'x', runAt: T0 });
    const aRun = a.runDue();
    await reached.promise;
    expect(await b.runDue()).toBe(0);
    clock.advance(9_999);
    expect(await b.runDue()).toBe(0);
    clock.advance(1);
    expect(await b.runDue()).toBe(1);
    release.resolve();
    await aRun;
    expect(logged(sqlite)).toEqual(['b']);
    expect(row(sqlite, 'x')).toMatchObject({ status: 'done' });
  });

  it('retries a step that throws with backoff, keeps the error, and parks it after maxAttempts', async () => {
    const clock = manualClock();
    const { sqlite } = open();
    const attempts: number[] = [];
    const errors: unknown[] = [];
    const r = runner(
      sqlite,
      clock,
      {
        flaky: (job) => {
          attempts.push(job.attempts);
          if (job.subjectId === 'never' || job.attempts === 0) throw new Error('label printer jammed');
        },
      },
      { retryMs: 1000, maxAttempts: 3, logger: { error: (obj) => errors.push(obj) } },
    );
    r.schedule({ kind: 'flaky', subjectId: 'once', runAt: T0 });
    expect(await r.runDue()).toBe(1);
    expect(row(sqlite, 'once')).toEqual({
      status: 'pending',
      run_at: T0 + 1000,
      attempts: 1,
      last_error: 'label printer jammed',
    });
    expect(await r.runDue()).toBe(0);
    clock.advance(1000);
    expect(await r.runDue()).toBe(1);
    expect(row(sqlite, 'once')).toEqual({ status: 'done', run_at: T0 + 1000, attempts: 0, last_error: null });
    expect(attempts).toEqual([0, 1]);

    r.schedule({ kind: 'flaky', subjectId: 'never', runAt: clock.now() });
    await r.runDue(); // fails, retry in 1 s
    clock.advance(1000);
    await r.runDue(); // fails, retry in 2 s
    expect(row(sqlite, 'never')).toMatchObject({ status: 'pending', run_at: clock.now() + 2000 });
    clock.advance(2000);
    await r.runDue(); // third failure: parked
    expect(row(sqlite, 'never')).toMatchObject({ status: 'failed', attempts: 3 });
    expect(r.pending()).toBe(0);
    expect(errors).toHaveLength(4);
  });

  it('runs the commit step inside the transaction: a throw there rolls its writes back', async () => {
    const clock = manualClock();
    const { sqlite } = open();
    let calls = 0;
    const r = runner(sqlite, clock, {
      step: () => {
        calls++;
        return (now) => {
          sqlite.prepare('INSERT INTO log (what) VALUES (?)').run(`step ${calls}`);
          if (calls === 1) throw new Error('crash inside the transaction');
          return calls === 2 ? now + 60_000 : null;
        };
      },
    });
    r.schedule({ kind: 'step', subjectId: 's', runAt: T0 });
    await r.runDue();
    expect(logged(sqlite)).toEqual([]);
    expect(row(sqlite, 's')).toMatchObject({ status: 'pending', last_error: 'crash inside the transaction' });
    clock.advance(1000);
    await r.runDue();
    // The commit step's answer is the next run time.
    expect(row(sqlite, 's')).toMatchObject({ status: 'pending', run_at: clock.now() + 60_000, attempts: 0 });
    clock.advance(60_000);
    await r.runDue();
    expect(logged(sqlite)).toEqual(['step 2', 'step 3']);
    expect(row(sqlite, 's')).toMatchObject({ status: 'done' });
  });

  it('never runs more steps at once than its concurrency', async () => {
    const clock = manualClock();
    const { sqlite } = open();
    let running = 0;
    let most = 0;
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const started: string[] = [];
    const startedWaiters: { n: number; resolve: () => void }[] = [];
    const r = runner(
      sqlite,
      clock,
      {
        work: async (job) => {
          running++;
          most = Math.max(most, running);
          started.push(job.subjectId);
          for (const w of startedWaiters) if (started.length >= w.n) w.resolve();
          await gates.get(job.subjectId)?.promise;
          running--;
        },
      },
      { concurrency: 2 },
    );
    const whenStarted = (n: number) =>
      new Promise<void>((resolve) => {
        if (started.length >= n) resolve();
        else startedWaiters.push({ n, resolve });
      });
    for (const id of ['j1', 'j2', 'j3', 'j4', 'j5']) {
      gates.set(id, deferred());
      r.schedule({ kind: 'work', subjectId: id, runAt: T0 });
    }
    r.start();
    await whenStarted(2);
    gates.get(started[0] as string)?.resolve();
    await whenStarted(3);
    expect(running).toBe(2);
    for (const g of gates.values()) g.resolve();
    await r.idle();
    expect(started.sort()).toEqual(['j1', 'j2', 'j3', 'j4', 'j5']);
    expect(most).toBe(2);
    expect(r.pending()).toBe(0);
  });

  it('scheduling the same (kind, scope, subject) again replaces its run time, even while it runs', async () => {
    const clock = manualClock();
    const { sqlite } = open();
    const reached = deferred();
    const release = deferred();
    const r = runner(sqlite, clock, {
      remind: async (job) => {
        if (job.subjectId === 'busy' && job.runAt === T0) {
          reached.resolve();
          await release.promise;
        }
      },
    });
    r.schedule({ kind: 'remind', subjectId: 'cus_1', runAt: T0 + 1000 });
    r.schedule({ kind: 'remind', subjectId: 'cus_1', runAt: T0 + 5000 });
    r.schedule({ kind: 'remind', subjectId: 'cus_1', scope: 'acct_2', runAt: T0 + 1000 });
    expect(r.pending()).toBe(2);
    clock.advance(1000);
    expect(await r.runDue()).toBe(1); // only acct_2's; the unscoped one moved to +5 s
    clock.advance(4000);
    expect(await r.runDue()).toBe(1);

    r.schedule({ kind: 'remind', subjectId: 'busy', runAt: T0 });
    const run = r.runDue();
    await reached.promise;
    r.schedule({ kind: 'remind', subjectId: 'busy', runAt: clock.now() + 7000 });
    release.resolve();
    await run;
    // The step finished "done", but the schedule made while it ran stands.
    expect(row(sqlite, 'busy')).toMatchObject({ status: 'pending', run_at: clock.now() + 7000 });
  });
});
