import type { BlobStore } from '@hooklab/blobstore';
import type { BetterSQLite3Database, SqliteClient } from '@hooklab/db';
import type { FetchLike, Logger } from '@hooklab/service';
import type { Clock, SqliteOutbox } from '@hooklab/webhooks';
import type { LogisticsConfig } from './config.ts';
import type * as schema from './db/schema.ts';
import type { UrlGuard } from './domain/url-guard.ts';
import type { IdempotencyStore } from './idempotency.ts';
import type { JobRunner } from './jobs/runner.ts';

/** Everything routes and job handlers share; built once by createLogistics. */
export interface LogisticsContext {
  db: BetterSQLite3Database<typeof schema>;
  sqlite: SqliteClient;
  config: LogisticsConfig;
  outbox: SqliteOutbox;
  blobs: BlobStore;
  clock: Clock;
  fetch: FetchLike;
  guard: UrlGuard;
  idempotency: IdempotencyStore;
  runner: JobRunner;
  logger?: Logger;
  /** Public base URL of this service, without a trailing slash. */
  publicUrl: () => string;
}
