import type { SqliteClient } from '@hooklab/db';
import type { Logger } from '@hooklab/service';
import { newId } from '@hooklab/service';
import type { Clock } from '@hooklab/webhooks';
import { and, asc, eq, lte } from 'drizzle-orm';
import { type JobRow, jobs } from '../db/schema.ts';
import type { Db } from './store.ts';

export type JobHandler = (job: JobRow) => void;

export interface JobRunner {
  /** Records a job in the caller's transaction; it fires at `runAt` on the clock, even after a restart. */
  schedule(job: { accountId: string; kind: string; objectId: string; runAt: number }): void;
  start(): void;
  stop(): void;
  /** Runs every job due now (tests call it after moving a manual clock). */
  runDue(): void;
  pending(): number;
}

const RETRY_MS = 1000;
const MAX_ATTEMPTS = 5;

/** Durable timers in the `jobs` table, driven by an injectable clock. */
export function createJobRunner(opts: {
  db: Db;
  sqlite: SqliteClient;
  clock: Clock;
  handlers: Record<string, JobHandler>;
  logger?: Logger;
}): JobRunner {
  const { db, sqlite, clock } = opts;
  let timer: unknown = null;
  let running = false;
  let kickQueued = false;

  const arm = () => {
    kickQueued = false;
    if (!running) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    const next = db
      .select({ runAt: jobs.runAt })
      .from(jobs)
      .where(eq(jobs.status, 'pending'))
      .orderBy(asc(jobs.runAt))
      .limit(1)
      .get();
    if (!next) return;
    timer = clock.setTimeout(
      () => {
        timer = null;
        runner.runDue();
      },
      Math.max(0, next.runAt - clock.now()),
    );
  };

  const runner: JobRunner = {
    schedule(job) {
      db.insert(jobs)
        .values({ id: newId('job'), ...job })
        .run();
      if (!kickQueued) {
        kickQueued = true;
        queueMicrotask(arm);
      }
    },
    start() {
      running = true;
      arm();
    },
    stop() {
      running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
    runDue() {
      const due = db
        .select()
        .from(jobs)
        .where(and(eq(jobs.status, 'pending'), lte(jobs.runAt, clock.now())))
        .orderBy(asc(jobs.runAt))
        .limit(100)
        .all();
      for (const job of due) {
        try {
          sqlite.transaction(() => {
            opts.handlers[job.kind]?.(job);
            db.update(jobs)
              .set({ status: 'done', attempts: job.attempts + 1 })
              .where(eq(jobs.id, job.id))
              .run();
          })();
        } catch (err) {
          opts.logger?.error({ err, job: job.id, kind: job.kind }, 'job failed');
          const attempts = job.attempts + 1;
          db.update(jobs)
            .set({
              attempts,
              status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
              runAt: clock.now() + RETRY_MS * attempts,
            })
            .where(eq(jobs.id, job.id))
            .run();
        }
      }
      arm();
    },
    pending: () => db.select({ id: jobs.id }).from(jobs).where(eq(jobs.status, 'pending')).all().length,
  };
  return runner;
}
