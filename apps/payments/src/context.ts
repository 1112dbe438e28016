import type { SqliteClient } from '@hooklab/db';
import type { Logger } from '@hooklab/service';
import type { Clock, SqliteOutbox } from '@hooklab/webhooks';
import type { PaymentsConfig } from '../config.ts';
import type { JobRunner } from './jobs.ts';
import type { Db, Store } from './store.ts';

/** What every domain function works with; built once by createApp. */
export interface Domain {
  db: Db;
  sqlite: SqliteClient;
  store: Store;
  outbox: SqliteOutbox;
  clock: Clock;
  config: PaymentsConfig;
  jobs: JobRunner;
  logger?: Logger;
  /** Base URL of the hosted pages (known only once the server listens). */
  publicUrl(): string;
}

/** The request an event came from (Stripe's `event.request`); null for background changes. */
export interface RequestMeta {
  id: string | null;
  idempotencyKey: string | null;
}

export const BACKGROUND: RequestMeta = { id: null, idempotencyKey: null };

/** Unix seconds on the domain's clock. */
export const nowSec = (d: Domain) => Math.floor(d.clock.now() / 1000);

/** Runs `fn` in one SQLite transaction (state change, events and outbox rows commit together). */
export function tx<T>(d: Domain, fn: () => T): T {
  return d.sqlite.transaction(fn)();
}
