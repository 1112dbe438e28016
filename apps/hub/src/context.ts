import { createJobRunner, type JobRunner, type SqliteClient } from '@hooklab/db';
import { type ExchangeRecorder, type FetchLike, type Logger, ssrfOptionsOf } from '@hooklab/service';
import {
  type Clock,
  createSqliteOutbox,
  type LookupFn,
  type SqliteOutbox,
  type SsrfOptions,
  systemClock,
} from '@hooklab/webhooks';
import type { HubConfig } from './config.ts';
import type { HubDb } from './db/index.ts';
import { createJobHandlers } from './domain/jobs.ts';

export type { Clock };

/** hub's one deps container: everything createApp, the domain and the job steps need. */
export interface HubContext {
  config: HubConfig;
  db: HubDb;
  sqlite: SqliteClient;
  clock: Clock;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  /** Distributions are written here, one transaction per publish; a dispatcher (main.ts) sends them. */
  outbox: SqliteOutbox;
  /** Verification of intent, denial notices, topic fetches and the lease sweep (main.ts or a test starts it). */
  jobs: JobRunner;
  /** Verification GETs and topic fetches, always through `guardedFetch` with `ssrf`. */
  fetch: FetchLike;
  /** The SSRF guard's options, from `ssrfOptionsOf(config)` (plus a test's DNS resolver). */
  ssrf: SsrfOptions;
  /** The hub's URL as advertised in `Link: <…>; rel="hub"` (a function: port 0 is known only after listening). */
  hubUrl: () => string;
}

export interface HubContextInput {
  config: HubConfig;
  db: HubDb;
  sqlite: SqliteClient;
  hubUrl: () => string;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  recorder?: ExchangeRecorder | undefined;
  fetch?: FetchLike | undefined;
  lookup?: LookupFn | undefined;
}

/** Builds the context on an open, migrated database: outbox and job runner on the same connection. */
export function createHubContext(input: HubContextInput): HubContext {
  const clock = input.clock ?? systemClock;
  const ctx = {
    config: input.config,
    db: input.db,
    sqlite: input.sqlite,
    clock,
    logger: input.logger,
    recorder: input.recorder,
    outbox: createSqliteOutbox(input.sqlite, { clock }),
    fetch: input.fetch ?? globalThis.fetch,
    ssrf: { ...ssrfOptionsOf(input.config), ...(input.lookup ? { lookup: input.lookup } : {}) },
    hubUrl: input.hubUrl,
  } as Omit<HubContext, 'jobs'> as HubContext;
  // The step handlers read the context, so the runner is attached once the rest exists.
  ctx.jobs = createJobRunner({
    sqlite: input.sqlite,
    clock,
    handlers: createJobHandlers(ctx),
    logger: input.logger,
    concurrency: 16,
  });
  return ctx;
}
