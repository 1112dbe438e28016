import { fileURLToPath } from 'node:url';
import { databaseFileFor, openDatabase } from '@hooklab/db';
import {
  appControl,
  createLogger,
  dispatcherSender,
  ExchangeRecorder,
  httpTimeoutsOf,
  isMemoryDataDir,
  loadConfig,
  portOf,
  type RunningApp,
  recordDeliveryAttempt,
  type StartOptions,
  serve,
  serviceNamer,
  serviceUrls,
  ssrfOptionsOf,
} from '@hooklab/service';
import {
  type Clock,
  checkUrl,
  createDispatcher,
  createSqliteOutbox,
  type Dispatcher,
  type SqliteOutbox,
} from '@hooklab/webhooks';
import { createApp, createDomain } from './app.ts';
import { paymentsConfigSchema } from './config.ts';
import { markDelivered } from './domain/events.ts';
import { disableFailingEndpoint, ENDPOINT_TYPE } from './domain/webhook-endpoints.ts';
import { keyringOf } from './http/auth.ts';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface PaymentsStartOptions extends StartOptions {
  /** Business clock (checkout expiry, bank debits settling); deliveries keep `deliveryClock`. */
  clock?: Clock;
  /** Clock of the outbox and its dispatcher: retry schedules and endpoint health. Default: real time. */
  deliveryClock?: Clock;
  /** Hooks passed to createApp (tests). */
  hooks?: Parameters<typeof createApp>[0]['hooks'];
}

/** Starts payments: config → db → migrations → job runner and webhook dispatcher → HTTP server. */
export async function start(
  env: Record<string, string | undefined>,
  opts: PaymentsStartOptions = {},
): Promise<
  RunningApp & {
    keys: string[];
    outbox: SqliteOutbox;
    dispatcher: Dispatcher;
    /** What the dashboard's replay button calls: the endpoint's undelivered messages, sent again. */
    replayFailedDeliveries: (endpointId: string) => Promise<number>;
  }
> {
  const config = loadConfig(paymentsConfigSchema, env);
  const logger = createLogger('payments', config.LOG_LEVEL);
  const recorder = new ExchangeRecorder('payments');
  const file = isMemoryDataDir(config.DATA_DIR) ? ':memory:' : databaseFileFor('payments', config.DATA_DIR);
  const { db, sqlite, close } = openDatabase({ file, migrationsFolder });
  const outbox = createSqliteOutbox(sqlite, { clock: opts.deliveryClock });
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
  const nameOf = serviceNamer(serviceUrls(env));
  const disableAfterSec = config.PAYMENTS_ENDPOINT_DISABLE_AFTER_SECONDS;
  // Stripe profile: a 410 is retried like any failure (no onEndpointGone); an endpoint is disabled only
  // after failing for the profile's window (3 days real), never after a count of failures.
  const dispatcher = createDispatcher({
    store: outbox,
    clock: opts.deliveryClock,
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
    logger,
    healthWindowMs: disableAfterSec === undefined ? undefined : disableAfterSec * 1000,
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
      // What the console draws as payments' side of each delivery attempt.
      recordDeliveryAttempt(recorder, e, { to: nameOf(e.message.url) });
    },
    onEndpointFailing: (endpointId, health) => {
      if (disableFailingEndpoint(domain, endpointId, health.failingSince ?? undefined)) {
        const since = new Date(health.failingSince ?? 0).toISOString();
        logger.warn(
          { endpointId, failingSince: since },
          'webhook endpoint disabled: failing with no success',
        );
      }
    },
  });
  // Dev mode: the console's "pause sender" switch stops and restarts this dispatcher.
  appControl(recorder).registerSender(dispatcherSender('outbox', dispatcher));
  // Dead (retries spent) and failed (set aside while disabled) deliveries of one endpoint, sent again.
  const replayFailedDeliveries = (endpointId: string) => dispatcher.replaySince(0, { endpointId });
  const app = createApp({
    db,
    sqlite,
    config,
    domain,
    logger,
    recorder,
    hooks: opts.hooks,
    replayFailedDeliveries,
  });
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
    outbox,
    dispatcher,
    replayFailedDeliveries,
  };
}
