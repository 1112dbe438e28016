import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BlobStore, createLocalBlobStore, createS3BlobStore } from '@hooklab/blobstore';
import { databaseFileFor, dataDirFor } from '@hooklab/db';
import {
  appRuntime,
  createTracedFetch,
  isMemoryDataDir,
  type RunningApp,
  type StartApp,
} from '@hooklab/service';
import {
  createDispatcher,
  createTransportRouter,
  systemClock,
  transportSettingsFromEnv,
} from '@hooklab/webhooks';
import { createApp } from './app.ts';
import { type LogisticsConfig, loadLogisticsConfig } from './config.ts';
import { createLogisticsContext } from './context.ts';
import { openLogisticsDatabase } from './db/index.ts';

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

/** Starts logistics: config → db (+ migrations) → blob store → context → serve → job worker and outbox dispatcher. */
export const start: StartApp = async (env, opts = {}): Promise<RunningApp> => {
  const config = loadLogisticsConfig(env);
  const runtime = appRuntime('logistics', env, config);
  const { logger, recorder } = runtime;
  const memory = isMemoryDataDir(config.DATA_DIR);
  const {
    db,
    sqlite,
    close: closeDb,
  } = openLogisticsDatabase(memory ? ':memory:' : databaseFileFor('logistics', config.DATA_DIR));
  let boundUrl = '';
  const publicUrl = () => (config.LOGISTICS_PUBLIC_URL ?? boundUrl).replace(/\/+$/, '');
  const blobs = openBlobStore(config, publicUrl, memory);
  await blobs.ready;

  const ctx = createLogisticsContext({
    db,
    sqlite,
    config,
    blobs: blobs.store,
    publicUrl,
    recorder,
    logger,
    fetch: createTracedFetch({ from: 'logistics', recorder, kind: 'handshake' }),
  });
  // Callback targets may be mailto:, queue: or topic: too (SMTP_URL, REDIS_URL, MQTT_URL; embedded defaults).
  const transport = createTransportRouter({ ...transportSettingsFromEnv(env), source: '/logistics' });
  const dispatcher = createDispatcher({
    store: ctx.outbox,
    transport,
    clock: systemClock,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
    ssrf: { check: (url) => ctx.guard.check(url) },
    logger,
    // In the message's trace, with event id and attempt, so the console pairs it with the receiver's record.
    onAttempt: runtime.recordAttempt,
  });
  runtime.registerSender('outbox', dispatcher);

  const server = await runtime.serve(createApp(ctx), {
    handleSignals: opts.handleSignals,
    onShutdown: [
      () => ctx.jobs.stop(),
      () => dispatcher.stop({ drainMs: 2000 }),
      () => transport.close(),
      () => closeDb(),
      () => blobs.cleanup(),
    ],
  });
  boundUrl = server.url;
  ctx.jobs.start();
  await dispatcher.start();
  return runtime.running(server);
};
