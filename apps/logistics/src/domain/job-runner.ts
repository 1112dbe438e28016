import type { SqliteClient } from '@hooklab/db';
import type { Logger } from '@hooklab/service';
import type { Clock } from '@hooklab/webhooks';

export type JobKind = 'shipment' | 'quote' | 'manifest';

export interface JobRow {
  id: string;
  kind: JobKind;
  subject_id: string;
  next_run_at: number;
  attempts: number;
}

/**
 * One step of a job. `prepare` may do slow async work (network, files) outside any transaction;
 * the returned `commit` runs inside the job's transaction and returns when to run next (null = done).
 */
export type JobHandler = (job: JobRow) => Promise<(now: number) => number | null>;

export interface JobRunner {
  /** Inserts a job row; call inside the transaction that creates its subject. */
  schedule(kind: JobKind, subjectId: string, runAt: number): void;
  /** Re-arms the timer after new jobs were committed. */
  wake(): void;
  start(): void;
  /** Stops claiming and waits for running steps to finish. */
  stop(): Promise<void>;
  /** Runs every job due now (and re-runs until none is due); for tests and manual clocks. */
  runDue(): Promise<number>;
  /** Resolves when no step is running and nothing is due now. */
  idle(): Promise<void>;
}

export interface JobRunnerOptions {
  sqlite: SqliteClient;
  clock: Clock;
  handlers: Record<JobKind, JobHandler>;
  logger?: Logger;
  concurrency?: number;
  /** How long a claimed job is held before another pass may take it again. */
  leaseMs?: number;
  /** Delay before retrying a step that threw. */
  retryMs?: number;
}

/** A durable job worker over the `jobs` table: due rows are claimed, run, and rescheduled in one transaction. */
export function createJobRunner(opts: JobRunnerOptions): JobRunner {
  const { sqlite, clock } = opts;
  const concurrency = opts.concurrency ?? 8;
  const leaseMs = opts.leaseMs ?? 60_000;
  const retryMs = opts.retryMs ?? 1000;

  const insert = sqlite.prepare(
    `INSERT INTO jobs (id, kind, subject_id, status, next_run_at, attempts, created_at, updated_at)
     VALUES (?, ?, ?, 'pending', ?, 0, ?, ?)
     ON CONFLICT (kind, subject_id) DO UPDATE SET status = 'pending', next_run_at = excluded.next_run_at, updated_at = excluded.updated_at`,
  );
  const selectDue = sqlite.prepare<[number, number, number], JobRow>(
    `SELECT id, kind, subject_id, next_run_at, attempts FROM jobs
      WHERE status = 'pending' AND next_run_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
      ORDER BY next_run_at LIMIT ?`,
  );
  const claim = sqlite.prepare(
    `UPDATE jobs SET locked_until = ? WHERE id = ? AND status = 'pending' AND (locked_until IS NULL OR locked_until <= ?)`,
  );
  const finish = sqlite.prepare(
    `UPDATE jobs SET status = ?, next_run_at = ?, attempts = 0, locked_until = NULL, last_error = NULL, updated_at = ? WHERE id = ?`,
  );
  const fail = sqlite.prepare(
    `UPDATE jobs SET next_run_at = ?, attempts = attempts + 1, locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ?`,
  );
  // Walks the (status, next_run_at) index, skipping only the few rows this worker holds. Claims
  // exist only while their step runs here, so nothing else needs waking up for.
  const nextFree = sqlite.prepare<[], { at: number }>(
    `SELECT next_run_at AS at FROM jobs WHERE status = 'pending' AND locked_until IS NULL ORDER BY next_run_at LIMIT 1`,
  );
  const nextDue = { get: (): { at: number | null } => ({ at: nextFree.get()?.at ?? null }) };
  // A previous process died holding these; one worker per database file, so they are ours again.
  const unlockAll = sqlite.prepare(`UPDATE jobs SET locked_until = NULL WHERE status = 'pending'`);

  let running = false;
  let timer: unknown = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let pumpQueued = false;
  const active = new Map<string, Promise<void>>();
  let idleWaiters: (() => void)[] = [];

  const runOne = async (job: JobRow) => {
    try {
      const commit = await opts.handlers[job.kind](job);
      sqlite.transaction(() => {
        const now = clock.now();
        const next = commit(now);
        finish.run(next === null ? 'done' : 'pending', next ?? now, now, job.id);
      })();
    } catch (err) {
      opts.logger?.error({ err, jobId: job.id, kind: job.kind, subject: job.subject_id }, 'job step failed');
      const now = clock.now();
      fail.run(
        now + retryMs * Math.min(2 ** job.attempts, 60),
        String((err as Error)?.message ?? err).slice(0, 500),
        now,
        job.id,
      );
    }
  };

  const claimDue = (): JobRow[] => {
    const free = concurrency - active.size;
    if (free <= 0) return [];
    const now = clock.now();
    const rows = selectDue.all(now, now, free + active.size).filter((j) => !active.has(j.id));
    const claimed: JobRow[] = [];
    sqlite.transaction(() => {
      for (const job of rows.slice(0, free))
        if (claim.run(now + leaseMs, job.id, now).changes === 1) claimed.push(job);
    })();
    return claimed;
  };

  const launch = (job: JobRow) => {
    const p = runOne(job).finally(() => {
      active.delete(job.id);
      queuePump();
    });
    active.set(job.id, p);
  };

  const arm = () => {
    if (!running) return;
    const at = nextDue.get()?.at;
    if (at === null || at === undefined) return;
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
    for (const job of claimDue()) launch(job);
    if (active.size === 0) {
      const now = clock.now();
      const at = nextDue.get()?.at;
      if (at === null || at === undefined || at > now) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    }
    arm();
  };

  function queuePump() {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  return {
    schedule(kind, subjectId, runAt) {
      const now = clock.now();
      insert.run(`job_${kind}_${subjectId}`, kind, subjectId, runAt, now, now);
    },
    wake() {
      if (running) queuePump();
    },
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
    },
    async runDue() {
      let ran = 0;
      for (;;) {
        const now = clock.now();
        const rows = selectDue.all(now, now, 1000).filter((j) => !active.has(j.id));
        if (rows.length === 0) break;
        for (const job of rows) {
          if (claim.run(now + leaseMs, job.id, now).changes !== 1) continue;
          const p = runOne(job);
          active.set(job.id, p);
          await p;
          active.delete(job.id);
          ran++;
        }
      }
      return ran;
    },
    idle() {
      if (!running) return Promise.all([...active.values()]).then(() => undefined);
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        queuePump();
      });
    },
  };
}
