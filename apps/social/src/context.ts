import { EventEmitter } from 'node:events';
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
import type { SocialConfig } from './config.ts';
import type { SocialDb } from './db/index.ts';
import { seed } from './db/seed.ts';
import type { TimelinePost } from './domain/posts.ts';
import { createRulebook, type Rulebook } from './domain/rulebook.ts';

/** The SSRF check every URL social calls goes through (CRC GETs, deliveries). */
export interface UrlGuard {
  check(url: string): Promise<CheckUrlResult>;
}

/** social's one deps container: everything createApp and the domain need, built by main.ts or a test. */
export interface SocialContext {
  config: SocialConfig;
  db: SocialDb;
  sqlite: SqliteClient;
  clock: Clock;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  /** For CRC GETs: traced and recorded. Deliveries go through the outbox. */
  fetch: FetchLike;
  /** Deliveries are written here in the post's transaction; the dispatcher (main.ts) sends them. */
  outbox: SqliteOutbox;
  guard: UrlGuard;
  /** Every app's compiled rules, reloaded when rules change. */
  rules: Rulebook;
  /** New posts, after their transaction committed (the live timeline listens). */
  timeline: EventEmitter<{ post: [TimelinePost] }>;
}

export interface SocialContextInput {
  config: SocialConfig;
  db: SocialDb;
  sqlite: SqliteClient;
  clock?: Clock | undefined;
  recorder?: ExchangeRecorder | undefined;
  logger?: Logger | undefined;
  fetch?: FetchLike | undefined;
  outbox?: SqliteOutbox | undefined;
  /** DNS resolver for the SSRF guard (tests). */
  lookup?: LookupFn | undefined;
}

/** Builds the context on an open, migrated database: seeds users and apps from config, wires the outbox. */
export function createSocialContext(input: SocialContextInput): SocialContext {
  const clock = input.clock ?? systemClock;
  seed(input.sqlite, input.config, clock.now());
  const ssrf = { ...ssrfOptionsOf(input.config), ...(input.lookup ? { lookup: input.lookup } : {}) };
  const timeline = new EventEmitter<{ post: [TimelinePost] }>();
  timeline.setMaxListeners(0);
  return {
    config: input.config,
    db: input.db,
    sqlite: input.sqlite,
    clock,
    recorder: input.recorder,
    logger: input.logger,
    fetch: input.fetch ?? globalThis.fetch,
    outbox: input.outbox ?? createSqliteOutbox(input.sqlite, { clock }),
    guard: { check: (url) => checkUrl(url, ssrf) },
    rules: createRulebook(input.sqlite),
    timeline,
  };
}
