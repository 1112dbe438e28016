import type { BlobStore } from '@hooklab/blobstore';
import { createJobRunner, type JobRunner, type SqliteClient } from '@hooklab/db';
import {
  createIdempotencyStore,
  type ExchangeRecorder,
  type FetchLike,
  type IdempotencyStore,
  type Logger,
  ssrfOptionsOf,
} from '@hooklab/service';
import {
  type Clock,
  createSqliteOutbox,
  type LookupFn,
  type SqliteOutbox,
  systemClock,
} from '@hooklab/webhooks';
import type { LogisticsConfig } from './config.ts';
import type { LogisticsDb } from './db/index.ts';
import { seedMerchants } from './db/seed.ts';
import { withExerciseGuard } from './domain/exercise-guard.ts';
import { adoptCarriedOverJobs, createJobHandlers } from './domain/job-steps.ts';
import { createUrlGuard, type UrlGuard } from './domain/url-guard.ts';

/** The one deps container: everything routes, webhook receivers and job steps share. */
export interface LogisticsContext {
  config: LogisticsConfig;
  db: LogisticsDb;
  sqlite: SqliteClient;
  clock: Clock;
  logger?: Logger | undefined;
  /** Dev mode's exchange recorder (the console reads it); absent in tests that do not look. */
  recorder?: ExchangeRecorder | undefined;
  /** Callbacks are written here in the caller's transaction; a dispatcher (main.ts) sends them. */
  outbox: SqliteOutbox;
  /** The durable job runner (not started: main.ts or a test starts it). */
  jobs: JobRunner;
  blobs: BlobStore;
  /** Used for the CloudEvents handshake (webhooks go through the outbox). */
  fetch: FetchLike;
  guard: UrlGuard;
  /** Stored responses of requests sent with an Idempotency-Key (the shared store, table `idempotency_requests`). */
  idempotency: IdempotencyStore;
  /** Public base URL of this service, without a trailing slash (a function: port 0 is known only after listening). */
  publicUrl: () => string;
}

export interface LogisticsContextInput {
  config: LogisticsConfig;
  db: LogisticsDb;
  sqlite: SqliteClient;
  blobs: BlobStore;
  publicUrl: () => string;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  recorder?: ExchangeRecorder | undefined;
  outbox?: SqliteOutbox | undefined;
  fetch?: FetchLike | undefined;
  /** DNS resolver for the SSRF guard (tests). */
  lookup?: LookupFn | undefined;
}

/** Builds the context on an open, migrated database: seeds the merchants from config, wires outbox and jobs. */
export function createLogisticsContext(input: LogisticsContextInput): LogisticsContext {
  const clock = input.clock ?? systemClock;
  seedMerchants(input.db, input.config, clock.now());
  const ctx = {
    config: input.config,
    db: input.db,
    sqlite: input.sqlite,
    clock,
    logger: input.logger,
    recorder: input.recorder,
    outbox: input.outbox ?? createSqliteOutbox(input.sqlite, { clock }),
    blobs: input.blobs,
    fetch: input.fetch ?? globalThis.fetch,
    guard: withExerciseGuard(createUrlGuard({ ...ssrfOptionsOf(input.config), lookup: input.lookup }), {
      dev: input.config.HOOKLAB_DEV,
      allowLoopback: ssrfOptionsOf(input.config).allowLoopback,
      lookup: input.lookup,
    }),
    idempotency: createIdempotencyStore(input.sqlite),
    publicUrl: input.publicUrl,
  } as LogisticsContext;
  // The step handlers read the context, so the runner is attached once the rest exists.
  ctx.jobs = createJobRunner({
    sqlite: input.sqlite,
    clock,
    handlers: createJobHandlers(ctx),
    logger: input.logger,
    concurrency: input.config.LOGISTICS_JOB_CONCURRENCY,
  });
  adoptCarriedOverJobs(input.sqlite, ctx.jobs);
  return ctx;
}
