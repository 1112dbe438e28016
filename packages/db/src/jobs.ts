import { randomUUID } from 'node:crypto';
import type { SqliteClient } from './index.ts';

/** A due job as its handler sees it. `attempts` counts the failed tries since it last succeeded. */
export interface Job {
  id: string;
  kind: string;
  subjectId: string;
  scope: string | null;
  runAt: number;
  attempts: number;
}

/**
 * What a step hands back: nothing (or null) = done; a function = the commit step, run inside the job's
 * transaction (so its writes and the job's next state land together), returning the next run time or null.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing (`async () => {…}`) is done.
export type JobStep = void | null | ((now: number) => number | null);
export type JobHandler = (job: Job) => JobStep | Promise<JobStep>;

/** Structurally the clock of @hooklab/webhooks (real or manual). */
export interface JobClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface JobLogger {
  error(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
}

export interface JobRunnerOptions {
  sqlite: SqliteClient;
  clock: JobClock;
  handlers: Record<string, JobHandler>;
  logger?: JobLogger;
  /** Steps running at once when started (default 8). */
  concurrency?: number;
  /** How long a claimed job is held before another runner may take it (default 60 s). */
  leaseMs?: number;
  /** First retry delay after a throw; doubles per failure up to 60× (default 1 s). */
  retryMs?: number;
  /** Failures after which a job is parked as `failed` (default: retried forever). */
  maxAttempts?: number;
}

export interface JobRunner {
  /**
   * Records a job, inside the caller's transaction on the same connection; scheduling the same
   * (kind, scope, subjectId) again replaces its run time. It fires at `runAt` on the clock, even after a restart.
   */
  schedule(job: { kind: string; subjectId: string; runAt: number; scope?: string | null }): void;
  /** Looks for due work now (schedule already does this once its transaction is over). */
  wake(): void;
  /** Starts running due jobs on the clock; releases claims a previous process left (one runner per file). */
  start(): void;
  /** Stops claiming and waits for running steps to finish. */
  stop(): Promise<void>;
  /** Runs every job due now, one at a time, until none is due; for tests and manual clocks. */
  runDue(): Promise<number>;
  /** Resolves when no step is running and nothing is due now. */
  idle(): Promise<void>;
  /** Jobs waiting to run (due or not). */
  pending(): number;
}

interface Row {
  id: string;
  kind: string;
  scope: string;
  subject_id: string;
  run_at: number;
  attempts: number;
  revision: number;
}

const TABLE = `CREATE TABLE IF NOT EXISTS jobs_queue (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  subject_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL DEFAULT 0,
  claim TEXT,
  locked_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_queue_subject ON jobs_queue (kind, scope, subject_id);
CREATE INDEX IF NOT EXISTS jobs_queue_due ON jobs_queue (status, run_at);
CREATE INDEX IF NOT EXISTS jobs_queue_leases ON jobs_queue (locked_until) WHERE locked_until IS NOT NULL;`;

class LeaseLost extends Error {}

/**
 * Durable timers and background steps in the `jobs_queue` table. A due row is claimed with a lease, its handler
 * runs outside any transaction (slow work: network, files), then its commit step and the row's next state are
 * written in one transaction — only if the lease is still ours.
 */
export function createJobRunner(opts: JobRunnerOptions): JobRunner {
  const { sqlite, clock } = opts;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const leaseMs = opts.leaseMs ?? 60_000;
  const retryMs = opts.retryMs ?? 1000;
  sqlite.exec(TABLE);

  const upsert = sqlite.prepare(
    `INSERT INTO jobs_queue (id, kind, scope, subject_id, status, run_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
     ON CONFLICT (kind, scope, subject_id) DO UPDATE SET status = 'pending', run_at = excluded.run_at,
       attempts = 0, last_error = NULL, revision = revision + 1, updated_at = excluded.updated_at`,
  );
  const selectDue = sqlite.prepare<[number, number, number], Row>(
    `SELECT id, kind, scope, subject_id, run_at, attempts, revision FROM jobs_queue
     WHERE status = 'pending' AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
     ORDER BY run_at LIMIT ?`,
  );
  const claimRow = sqlite.prepare(
    `UPDATE jobs_queue SET claim = ?, locked_until = ?
     WHERE id = ? AND status = 'pending' AND (locked_until IS NULL OR locked_until <= ?)`,
  );
  const holder = sqlite.prepare<[string], { claim: string | null; revision: number }>(
    'SELECT claim, revision FROM jobs_queue WHERE id = ?',
  );
  const finish = sqlite.prepare(
    `UPDATE jobs_queue SET status = ?, run_at = ?, attempts = 0, claim = NULL, locked_until = NULL,
       last_error = NULL, updated_at = ? WHERE id = ?`,
  );
  // Rescheduled while its step ran: the new run time stands, the step's own answer is dropped.
  const unlock = sqlite.prepare(
    'UPDATE jobs_queue SET claim = NULL, locked_until = NULL, updated_at = ? WHERE id = ?',
  );
  const fail = sqlite.prepare(
    `UPDATE jobs_queue SET status = ?, run_at = ?, attempts = attempts + 1, claim = NULL, locked_until = NULL,
       last_error = ?, updated_at = ? WHERE id = ?`,
  );
  const nextFree = sqlite.prepare<[], { at: number }>(
    `SELECT run_at AS at FROM jobs_queue WHERE status = 'pending' AND locked_until IS NULL
     ORDER BY run_at LIMIT 1`,
  );
  const nextLeaseEnd = sqlite.prepare<[], { at: number | null }>(
    `SELECT MIN(locked_until) AS at FROM jobs_queue WHERE locked_until IS NOT NULL AND status = 'pending'`,
  );
  const countPending = sqlite.prepare<[], { n: number }>(
    `SELECT count(*) AS n FROM jobs_queue WHERE status = 'pending'`,
  );
  const unlockAll = sqlite.prepare(
    `UPDATE jobs_queue SET claim = NULL, locked_until = NULL WHERE locked_until IS NOT NULL`,
  );

  let running = false;
  let timer: unknown = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let pumpQueued = false;
  const active = new Map<string, Promise<void>>();
  let idleWaiters: (() => void)[] = [];

  const toJob = (r: Row): Job => ({
    id: r.id,
    kind: r.kind,
    subjectId: r.subject_id,
    scope: r.scope === '' ? null : r.scope,
    runAt: r.run_at,
    attempts: r.attempts,
  });

  const claim = (row: Row, now: number): string | null => {
    const token = randomUUID();
    return claimRow.run(token, now + leaseMs, row.id, now).changes === 1 ? token : null;
  };

  const runOne = async (row: Row, token: string) => {
    const job = toJob(row);
    try {
      const handler = opts.handlers[row.kind];
      if (!handler) throw new Error(`No handler for job kind "${row.kind}"`);
      const step = await handler(job);
      sqlite.transaction(() => {
        const held = holder.get(row.id);
        if (held?.claim !== token) throw new LeaseLost();
        const now = clock.now();
        const next = typeof step === 'function' ? step(now) : null;
        if (holder.get(row.id)?.revision !== row.revision) unlock.run(now, row.id);
        else finish.run(next === null ? 'done' : 'pending', next ?? now, now, row.id);
      })();
    } catch (err) {
      if (err instanceof LeaseLost) {
        opts.logger?.warn?.({ jobId: row.id, kind: row.kind }, 'job lease lost: another runner took the job');
        return;
      }
      const attempts = row.attempts + 1;
      const parked = opts.maxAttempts !== undefined && attempts >= opts.maxAttempts;
      opts.logger?.error(
        { err, jobId: row.id, kind: row.kind, subjectId: row.subject_id, attempts, parked },
        'job step failed',
      );
      sqlite.transaction(() => {
        const held = holder.get(row.id);
        if (held?.claim !== token) return;
        const now = clock.now();
        if (held.revision !== row.revision) unlock.run(now, row.id);
        else
          fail.run(
            parked ? 'failed' : 'pending',
            now + retryMs * Math.min(2 ** row.attempts, 60),
            String((err as Error)?.message ?? err).slice(0, 500),
            now,
            row.id,
          );
      })();
    }
  };

  const launch = (row: Row, token: string) => {
    const p = runOne(row, token).finally(() => {
      active.delete(row.id);
      queuePump();
    });
    active.set(row.id, p);
  };

  const nextWake = (): number | null => {
    const free = nextFree.get()?.at;
    const lease = nextLeaseEnd.get()?.at ?? null;
    if (free === undefined) return lease;
    return lease === null ? free : Math.min(free, lease);
  };

  const arm = () => {
    if (!running) return;
    const at = nextWake();
    if (at === null) return;
    if (timer !== null && timerAt <= at) return;
    if (timer !== null) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(
      () => {
        timer = null;
        timerAt = Number.POSITIVE_INFINITY;
        queuePump();
      },
      Math.max(0, at - clock.now()),
    );
  };

  const pump = () => {
    if (!running) return;
    const free = concurrency - active.size;
    if (free > 0) {
      const now = clock.now();
      const rows = selectDue.all(now, now, free + active.size).filter((r) => !active.has(r.id));
      for (const row of rows.slice(0, free)) {
        const token = claim(row, now);
        if (token) launch(row, token);
      }
    }
    if (active.size === 0 && selectDue.all(clock.now(), clock.now(), 1).length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
    arm();
  };

  function queuePump() {
    if (pumpQueued || !running) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  return {
    schedule(job) {
      const now = clock.now();
      upsert.run(
        `job_${randomUUID().replaceAll('-', '')}`,
        job.kind,
        job.scope ?? '',
        job.subjectId,
        job.runAt,
        now,
        now,
      );
      // Runs after the caller's transaction: a rolled-back job is simply not found.
      queuePump();
    },
    wake: () => queuePump(),
    start() {
      if (running) return;
      unlockAll.run();
      running = true;
      queuePump();
    },
    async stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      await Promise.allSettled([...active.values()]);
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    },
    async runDue() {
      let ran = 0;
      // Bounded: a step that keeps asking to run "now" cannot spin this loop forever.
      for (let pass = 0; pass < 1000; pass++) {
        const now = clock.now();
        const rows = selectDue.all(now, now, 1000).filter((r) => !active.has(r.id));
        if (rows.length === 0) break;
        for (const row of rows) {
          const token = claim(row, now);
          if (!token) continue;
          const p = runOne(row, token);
          active.set(row.id, p);
          try {
            await p;
          } finally {
            active.delete(row.id);
          }
          ran++;
        }
      }
      return ran;
    },
    idle() {
      if (!running) return Promise.allSettled([...active.values()]).then(() => undefined);
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        queuePump();
      });
    },
    pending: () => countPending.get()?.n ?? 0,
  };
}
