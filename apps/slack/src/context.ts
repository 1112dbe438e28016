import type { SqliteClient } from '@hooklab/db';
import { type ExchangeRecorder, type FetchLike, type Logger, ssrfOptionsOf } from '@hooklab/service';
import {
  type CheckUrlResult,
  type Clock,
  checkUrl,
  createSqliteOutbox,
  type LookupFn,
  type SqliteOutbox,
  systemClock,
} from '@hooklab/webhooks';
import type { SlackConfig } from './config.ts';
import type { SlackDb } from './db/index.ts';
import { seedWorkspace } from './db/seed.ts';
import { createTsClock } from './domain/ids.ts';
import { createLiveFeed, type LiveFeed } from './domain/live.ts';
import { createRateLimiter, type RateLimiter } from './domain/rate-limits.ts';

/** slack's one deps container: everything createApp and the domain need, built by main.ts or a test. */
export interface SlackContext {
  config: SlackConfig;
  db: SlackDb;
  sqlite: SqliteClient;
  clock: Clock;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  /** Events API deliveries are written here with the message; a dispatcher (main.ts) sends them. */
  outbox: SqliteOutbox;
  /** For url_verification, slash commands and interactivity (synchronous, like Slack's own). */
  fetch: FetchLike;
  /** The SSRF guard on every URL an app registers or slack calls. */
  checkUrl(url: string): Promise<CheckUrlResult>;
  rateLimiter: RateLimiter;
  live: LiveFeed;
  /** The next message timestamp (`seconds.micros`, increasing). */
  nextTs(): string;
  /** Public base URL, no trailing slash (a function: port 0 is known only after listening). */
  publicUrl(): string;
}

export interface SlackContextInput {
  config: SlackConfig;
  db: SlackDb;
  sqlite: SqliteClient;
  publicUrl: () => string;
  clock?: Clock | undefined;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  fetch?: FetchLike | undefined;
  outbox?: SqliteOutbox | undefined;
  /** DNS resolver for the SSRF guard (tests). */
  lookup?: LookupFn | undefined;
}

/** Builds the context on an open, migrated database and seeds the workspace from config. */
export function createSlackContext(input: SlackContextInput): SlackContext {
  const clock = input.clock ?? systemClock;
  seedWorkspace(input.db, input.config, clock.now());
  const ssrf = { ...ssrfOptionsOf(input.config), ...(input.lookup ? { lookup: input.lookup } : {}) };
  return {
    config: input.config,
    db: input.db,
    sqlite: input.sqlite,
    clock,
    recorder: input.recorder,
    logger: input.logger,
    outbox: input.outbox ?? createSqliteOutbox(input.sqlite, { clock }),
    fetch: input.fetch ?? globalThis.fetch,
    checkUrl: (url) => checkUrl(url, ssrf),
    rateLimiter: createRateLimiter({
      scale: input.config.SLACK_RATE_LIMIT_SCALE,
      windowMs: input.config.SLACK_RATE_WINDOW_MS,
    }),
    live: createLiveFeed(),
    nextTs: createTsClock(() => clock.now()),
    publicUrl: input.publicUrl,
  };
}
