import { type BlobStore, blobRoutes, type LocalBlobStore } from '@hooklab/blobstore';
import type { BetterSQLite3Database, SqliteClient } from '@hooklab/db';
import type { Logger } from '@hooklab/service';
import {
  ApiError,
  createServiceApp,
  type ExchangeRecorder,
  type FetchLike,
  ssrfOptionsOf,
} from '@hooklab/service';
import {
  type Clock,
  createSqliteOutbox,
  type LookupFn,
  type SqliteOutbox,
  systemClock,
} from '@hooklab/webhooks';
import { bodyLimit } from 'hono/body-limit';
import type { LogisticsConfig } from './config.ts';
import type { LogisticsContext } from './context.ts';
import type * as schema from './db/schema.ts';
import { seedMerchants } from './db/seed.ts';
import { createUrlGuard } from './domain/url-guard.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { createJobHandlers } from './jobs/handlers.ts';
import { createJobRunner, type JobRunner } from './jobs/runner.ts';
import { inboundRoutes } from './routes/inbound.ts';
import { manifestRoutes } from './routes/manifests.ts';
import { quoteRoutes } from './routes/quotes.ts';
import { shipmentRoutes } from './routes/shipments.ts';

export interface LogisticsDeps {
  db: BetterSQLite3Database<typeof schema>;
  sqlite: SqliteClient;
  config: LogisticsConfig;
  blobs: BlobStore;
  /** Public base URL (no trailing slash); a function because port 0 is known only after listening. */
  publicUrl: () => string;
  outbox?: SqliteOutbox;
  clock?: Clock;
  /** Used for the CloudEvents handshake (not for webhooks: those go through the outbox). */
  fetch?: FetchLike;
  recorder?: ExchangeRecorder;
  logger?: Logger;
  /** DNS resolver for the SSRF guard (tests). */
  lookup?: LookupFn;
  /** Job worker concurrency. */
  jobConcurrency?: number;
}

export interface Logistics {
  app: ReturnType<typeof createServiceApp>;
  runner: JobRunner;
  outbox: SqliteOutbox;
  ctx: LogisticsContext;
}

const API_BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the logistics service: context, durable job runner (not started) and the Hono app. */
export function createLogistics(deps: LogisticsDeps): Logistics {
  const clock = deps.clock ?? systemClock;
  const outbox = deps.outbox ?? createSqliteOutbox(deps.sqlite, { clock });
  seedMerchants(deps.db, deps.config, clock.now());
  const ctx = {
    db: deps.db,
    sqlite: deps.sqlite,
    config: deps.config,
    outbox,
    blobs: deps.blobs,
    clock,
    fetch: deps.fetch ?? globalThis.fetch,
    guard: createUrlGuard({ ...ssrfOptionsOf(deps.config), lookup: deps.lookup }),
    idempotency: createIdempotencyStore(deps.sqlite),
    logger: deps.logger,
    publicUrl: deps.publicUrl,
  } as LogisticsContext;
  ctx.runner = createJobRunner({
    sqlite: deps.sqlite,
    clock,
    handlers: createJobHandlers(ctx),
    logger: deps.logger,
    concurrency: deps.jobConcurrency,
  });

  const app = createServiceApp({
    name: 'logistics',
    logger: deps.logger,
    recorder: deps.recorder,
    dev: deps.config,
    // The API keeps problem+json for every client; other pages (a blob link in a browser) get HTML.
    apiPrefixes: ['/v1/'],
  });
  const limit = bodyLimit({
    maxSize: API_BODY_LIMIT_BYTES,
    onError: () => {
      throw new ApiError({
        status: 413,
        code: 'payload_too_large',
        message: `Request bodies are limited to ${API_BODY_LIMIT_BYTES} bytes`,
      });
    },
  });
  app.use('/v1/shipments', limit);
  app.use('/v1/quotes', limit);
  app.use('/v1/manifests', limit);
  app.get('/', (c) =>
    c.json({
      service: 'logistics',
      docs: 'apps/logistics/README.md',
      endpoints: ['/v1/inbound/orders', '/v1/shipments', '/v1/quotes', '/v1/manifests', '/blobs/*'],
    }),
  );
  app.route('/v1/inbound', inboundRoutes(ctx));
  app.route('/v1/shipments', shipmentRoutes(ctx));
  app.route('/v1/quotes', quoteRoutes(ctx));
  app.route('/v1/manifests', manifestRoutes(ctx));
  if (deps.blobs.kind === 'local') app.route('/blobs', blobRoutes(deps.blobs as LocalBlobStore));
  return { app, runner: ctx.runner, outbox, ctx };
}

/** The Hono app alone (the job runner is created but not started; see createLogistics). */
export function createApp(deps: LogisticsDeps) {
  return createLogistics(deps).app;
}
