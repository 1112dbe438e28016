import { createJobRunner, type Job, type JobRunner, type SqliteClient } from '@hooklab/db';
import { type ExchangeRecorder, type Logger, ssrfOptionsOf } from '@hooklab/service';
import { type Clock, createSqliteOutbox, type SqliteOutbox, systemClock } from '@hooklab/webhooks';
import type { PaymentsConfig } from './config.ts';
import type { PaymentsDb } from './db/index.ts';
import { BACKGROUND } from './domain/base.ts';
import { registrationUrlCheck } from './domain/callback-url.ts';
import { expireCheckoutSession } from './domain/checkout.ts';
import { settleProcessing } from './domain/payment-intents.ts';
import { createStore, type Store } from './domain/store.ts';
import type { UrlCheck } from './domain/webhook-endpoints.ts';

/** What `createPaymentsContext` is given: main.ts passes the real things, tests their own clock or checks. */
export interface PaymentsContextInput {
  config: PaymentsConfig;
  db: PaymentsDb;
  sqlite: SqliteClient;
  /** Business time: object timestamps, checkout expiry, bank debits settling. Tests pass a manual clock. */
  clock?: Clock;
  /** The outbox on the same connection; created here when not given. */
  outbox?: SqliteOutbox;
  logger?: Logger;
  recorder?: ExchangeRecorder;
  /** Base URL of the hosted pages (known only once the server listens). */
  publicUrl?: () => string;
  /** Callback-URL check for webhook endpoints; by default the SSRF rules of the config. */
  urlCheck?: UrlCheck;
  /**
   * Requeues the failed and dead deliveries of one webhook endpoint (main wires it to the dispatcher);
   * resolves to how many were requeued. The dashboard offers it once a disabled endpoint is enabled again.
   */
  replayFailedDeliveries?: (endpointId: string) => Promise<number>;
  hooks?: {
    /** Runs after an idempotency key is taken and before the handler: tests use it to hold a request open. */
    beforeIdempotentHandler?: (key: string) => Promise<void>;
  };
}

/** The payments app's one deps container: what it was given, and the store, outbox and job runner over them. */
export interface PaymentsContext extends PaymentsContextInput {
  clock: Clock;
  store: Store;
  outbox: SqliteOutbox;
  /** Durable timers (bank debits settling, sessions expiring); main.ts starts them. */
  jobs: JobRunner;
  publicUrl: () => string;
  urlCheck: UrlCheck;
}

const accountOf = (job: Job): string => {
  if (!job.scope) throw new Error(`job ${job.id} (${job.kind}) has no account scope`);
  return job.scope;
};

export function createPaymentsContext(input: PaymentsContextInput): PaymentsContext {
  const clock = input.clock ?? systemClock;
  const fallbackUrl = input.config.PAYMENTS_PUBLIC_URL ?? 'http://localhost:3002';
  const d: PaymentsContext = {
    ...input,
    clock,
    store: createStore(input.sqlite),
    outbox: input.outbox ?? createSqliteOutbox(input.sqlite),
    publicUrl: input.publicUrl ?? (() => fallbackUrl),
    urlCheck: input.urlCheck ?? registrationUrlCheck(ssrfOptionsOf(input.config)),
    jobs: undefined as never,
  };
  // Both steps are state changes only: they run as the commit step, in the job's own transaction.
  d.jobs = createJobRunner({
    sqlite: input.sqlite,
    clock,
    logger: input.logger,
    maxAttempts: 5,
    handlers: {
      'payment_intent.settle': (job) => () => {
        settleProcessing(d, accountOf(job), job.subjectId);
        return null;
      },
      'checkout.expire': (job) => () => {
        expireCheckoutSession(d, accountOf(job), BACKGROUND, job.subjectId, true);
        return null;
      },
    },
  });
  adoptCarriedOverJobs(input.sqlite, d.jobs);
  return d;
}

/** Schedules the jobs migration 0001 carried over from the app's old `jobs` table, once; returns how many. */
export function adoptCarriedOverJobs(sqlite: SqliteClient, jobs: JobRunner): number {
  const held = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs_carried_over'")
    .get();
  if (!held) return 0;
  return sqlite.transaction(() => {
    const rows = sqlite
      .prepare<[], { account_id: string; kind: string; object_id: string; run_at: number }>(
        'SELECT account_id, kind, object_id, run_at FROM jobs_carried_over',
      )
      .all();
    for (const r of rows)
      jobs.schedule({ scope: r.account_id, kind: r.kind, subjectId: r.object_id, runAt: r.run_at });
    sqlite.exec('DROP TABLE jobs_carried_over');
    return rows.length;
  })();
}
