import { fileURLToPath } from 'node:url';
import { databaseFileFor, openDatabase } from '@hooklab/db';
import {
  createLogger,
  ExchangeRecorder,
  httpTimeoutsOf,
  isMemoryDataDir,
  loadConfig,
  portOf,
  type RunningApp,
  type StartOptions,
  serve,
  ssrfOptionsOf,
} from '@hooklab/service';
import { type Clock, checkUrl, createDispatcher, createSqliteOutbox } from '@hooklab/webhooks';
import { createApp, createDomain } from './app.ts';
import { paymentsConfigSchema } from './config.ts';
import { markDelivered } from './domain/events.ts';
import { disableFailingEndpoint, ENDPOINT_TYPE } from './domain/webhook-endpoints.ts';
import { keyringOf } from './http/auth.ts';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface PaymentsStartOptions extends StartOptions {
  /** Business clock (checkout expiry, bank debits settling); deliveries keep real time. */
  clock?: Clock;
  /** Hooks passed to createApp (tests). */
  hooks?: Parameters<typeof createApp>[0]['hooks'];
}

/** Starts payments: config → db → migrations → job runner and webhook dispatcher → HTTP server. */
export async function start(
  env: Record<string, string | undefined>,
  opts: PaymentsStartOptions = {},
): Promise<RunningApp & { keys: string[] }> {
  const config = loadConfig(paymentsConfigSchema, env);
  const logger = createLogger('payments', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('payments');
  const file = isMemoryDataDir(config.DATA_DIR) ? ':memory:' : databaseFileFor('payments', config.DATA_DIR);
  const { db, sqlite, close } = openDatabase({ file, migrationsFolder });
  const outbox = createSqliteOutbox(sqlite);
  let publicUrl = config.PAYMENTS_PUBLIC_URL ?? '';
  const domain = createDomain({
    db,
    sqlite,
    config,
    clock: opts.clock,
    outbox,
    logger,
    publicUrl: () => publicUrl,
  });
  const ssrf = ssrfOptionsOf(config);
  const dispatcher = createDispatcher({
    store: outbox,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
    logger,
    failingThreshold: config.PAYMENTS_ENDPOINT_DISABLE_AFTER_FAILURES,
    // Checked again at each attempt, with the resolved addresses pinned (DNS rebinding).
    ssrf: { check: (url) => checkUrl(url, ssrf) },
    resolveEndpoint: (endpointId) => {
      const row = domain.store.rowById(endpointId);
      if (!row || row.type !== ENDPOINT_TYPE) return null;
      return {
        url: String(row.data.url),
        secrets: [String(row.internal.secret)],
        scheme: 'stripe',
        enabled: row.data.status === 'enabled',
      };
    },
    onAttempt: (e) => {
      if (e.outcome === 'delivered') markDelivered(domain, e.message.eventId);
    },
    onEndpointFailing: (endpointId, failures) => {
      if (disableFailingEndpoint(domain, endpointId))
        logger.warn({ endpointId, failures }, 'webhook endpoint disabled after repeated failures');
    },
  });
  const app = createApp({ db, sqlite, config, domain, logger, recorder, hooks: opts.hooks });
  const server = await serve({
    app,
    port: portOf('payments', env),
    hostname: config.HOST,
    logger,
    timeouts: httpTimeoutsOf(config),
    handleSignals: opts.handleSignals,
    onShutdown: [() => domain.jobs.stop(), () => dispatcher.stop({ drainMs: 2000 }), () => close()],
  });
  publicUrl ||= server.url;
  domain.jobs.start();
  await dispatcher.start();
  return {
    name: 'payments',
    url: server.url,
    port: server.port,
    recorder,
    close: server.close,
    keys: [...keyringOf(config).keys()],
  };
}
