import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BlobStore, createLocalBlobStore, createS3BlobStore } from '@hooklab/blobstore';
import { databaseFileFor, dataDirFor, openDatabase } from '@hooklab/db';
import {
  createLogger,
  createTracedFetch,
  ExchangeRecorder,
  httpTimeoutsOf,
  isMemoryDataDir,
  portOf,
  type RunningApp,
  type StartApp,
  serve,
} from '@hooklab/service';
import { createDispatcher, systemClock } from '@hooklab/webhooks';
import { createLogistics } from './app.ts';
import { type LogisticsConfig, loadLogisticsConfig } from './config.ts';
import * as schema from './db/schema.ts';

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../drizzle');

function openBlobStore(config: LogisticsConfig, publicUrl: () => string, memory: boolean) {
  if (config.BLOBSTORE === 's3') {
    const store = createS3BlobStore({
      endpoint: config.S3_ENDPOINT,
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY },
      forcePathStyle: true,
    });
    return { store: store as BlobStore, ready: store.ensureBucket(), cleanup: () => {} };
  }
  const dir = memory
    ? mkdtempSync(join(tmpdir(), 'hooklab-logistics-blobs-'))
    : (config.BLOBSTORE_DIR ?? join(dataDirFor('logistics', config.DATA_DIR), 'blobs'));
  const store = createLocalBlobStore({
    dir,
    baseUrl: () => `${publicUrl()}/blobs`,
    secret: config.BLOBSTORE_SECRET,
  });
  return {
    store: store as BlobStore,
    ready: Promise.resolve(),
    cleanup: () => memory && rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts logistics: config → db → migrate → blob store → job worker → outbox dispatcher → serve. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadLogisticsConfig(env);
  const logger = createLogger('logistics', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('logistics');
  const memory = isMemoryDataDir(config.DATA_DIR);
  const {
    db,
    sqlite,
    close: closeDb,
  } = openDatabase({
    file: memory ? ':memory:' : databaseFileFor('logistics', config.DATA_DIR),
    schema,
    migrationsFolder,
  });
  let boundUrl = '';
  const publicUrl = () => (config.LOGISTICS_PUBLIC_URL ?? boundUrl).replace(/\/+$/, '');
  const blobs = openBlobStore(config, publicUrl, memory);
  await blobs.ready;

  const logistics = createLogistics({
    db,
    sqlite,
    config,
    blobs: blobs.store,
    publicUrl,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'logistics', recorder, kind: 'handshake' }),
    jobConcurrency: config.LOGISTICS_JOB_CONCURRENCY,
  });
  const dispatcher = createDispatcher({
    store: logistics.outbox,
    clock: systemClock,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
    ssrf: { check: (url) => logistics.ctx.guard.check(url) },
    logger,
    onAttempt: ({ message, attempt, outcome }) => {
      recorder.record({
        kind: 'webhook',
        direction: 'out',
        from: 'logistics',
        to: new URL(message.url).host,
        method: 'POST',
        url: message.url,
        status: attempt.statusCode,
        durationMs: attempt.durationMs,
        requestHeaders: { 'webhook-id': message.id, 'x-hooklab-event-type': message.eventType },
        responseHeaders: attempt.responseHeaders,
        // Raw: the recorder masks secrets and personal data, then cuts the excerpt.
        requestBody: message.body,
        responseBody: attempt.responseExcerpt,
        ...(outcome === 'delivered' ? {} : { error: `${outcome}: ${attempt.failureKind ?? 'failed'}` }),
      });
    },
  });

  const server = await serve({
    app: logistics.app,
    port: portOf('logistics', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    onShutdown: [
      () => logistics.runner.stop(),
      () => dispatcher.stop({ drainMs: 2000 }),
      () => closeDb(),
      () => blobs.cleanup(),
    ],
  });
  boundUrl = server.url;
  logistics.runner.start();
  await dispatcher.start();
  return { name: 'logistics', url: server.url, port: server.port, recorder, close: server.close };
};
