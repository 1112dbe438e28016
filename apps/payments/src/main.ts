import { databaseFileFor, type JobRunner } from '@hooklab/db';
import {
  appRuntime,
  isMemoryDataDir,
  type RunningApp,
  recordDeliveryAttempt,
  type StartOptions,
  ssrfOptionsOf,
} from '@hooklab/service';
import {
  type Clock,
  checkUrl,
  createDispatcher,
  createSqliteOutbox,
  createTransportRouter,
  type Dispatcher,
  type SqliteOutbox,
  transportSettingsFromEnv,
} from '@hooklab/webhooks';
import { createApp } from './app.ts';
import { loadPaymentsConfig } from './config.ts';
import { createPaymentsContext, type PaymentsContextInput } from './context.ts';
import { openPaymentsDatabase } from './db/index.ts';
import { disableFailingEndpoint, ENDPOINT_TYPE, signingSecretsOf } from './domain/webhook-endpoints.ts';
import { keyringOf } from './http/auth.ts';
import { markDelivered } from './webhooks/out/events.ts';
import { exerciseRetry } from './webhooks/out/exercise-retry.ts';

export interface PaymentsStartOptions extends StartOptions {
  /** Business clock (checkout expiry, bank debits settling); deliveries keep `deliveryClock`. */
  clock?: Clock;
  /** Clock of the outbox and its dispatcher: retry schedules and endpoint health. Default: real time. */
  deliveryClock?: Clock;
  /** Test hooks, passed into the context. */
  hooks?: PaymentsContextInput['hooks'];
}

/** Starts payments: config → db → migrations → job runner and webhook dispatcher → HTTP server. */
export async function start(
  env: Record<string, string | undefined>,
  opts: PaymentsStartOptions = {},
): Promise<
  RunningApp & {
    keys: string[];
    /** The durable job runner: tests that move a manual clock await `jobs.idle()` for the steps it fires. */
    jobs: JobRunner;
    outbox: SqliteOutbox;
    dispatcher: Dispatcher;
    /** What the dashboard's replay button calls: the endpoint's undelivered messages, sent again. */
    replayFailedDeliveries: (endpointId: string) => Promise<number>;
  }
> {
  const config = loadPaymentsConfig(env);
  const runtime = appRuntime('payments', env, config);
  const { logger, recorder } = runtime;
  const file = isMemoryDataDir(config.DATA_DIR) ? ':memory:' : databaseFileFor('payments', config.DATA_DIR);
  const { db, sqlite, close } = openPaymentsDatabase(file);
  const outbox = createSqliteOutbox(sqlite, { clock: opts.deliveryClock });
  let publicUrl = config.PAYMENTS_PUBLIC_URL ?? '';
  // Main owns the dispatcher that replays; the context (built below) only needs its function.
  let replay: (endpointId: string) => Promise<number> = async () => 0;
  const ctx = createPaymentsContext({
    db,
    sqlite,
    config,
    clock: opts.clock,
    outbox,
    logger,
    recorder,
    hooks: opts.hooks,
    publicUrl: () => publicUrl,
    replayFailedDeliveries: (endpointId) => replay(endpointId),
  });
  const ssrf = ssrfOptionsOf(config);
  const disableAfterSec = config.PAYMENTS_ENDPOINT_DISABLE_AFTER_SECONDS;
  // Stripe profile: a 410 is retried like any failure (no onEndpointGone); an endpoint is disabled only
  // after failing for the profile's window (3 days real), never after a count of failures.
  const retryExercise = await exerciseRetry(config.HOOKLAB_DEV);
  // Endpoints may be mailto:, queue: or topic: too (SMTP_URL, REDIS_URL, MQTT_URL; embedded defaults).
  const transport = createTransportRouter({ ...transportSettingsFromEnv(env), source: '/payments' });
  const dispatcher = createDispatcher({
    store: outbox,
    transport,
    clock: opts.deliveryClock,
    ...(retryExercise ? { decideAttempt: retryExercise.decideAttempt } : {}),
    retrySchedule: config.WEBHOOK_RETRY_SCHEDULE,
    logger,
    healthWindowMs: disableAfterSec === undefined ? undefined : disableAfterSec * 1000,
    // Checked again at each attempt, with the resolved addresses pinned (DNS rebinding).
    ssrf: { check: (url) => checkUrl(url, ssrf) },
    resolveEndpoint: (endpointId) => {
      const row = ctx.store.rowById(endpointId);
      if (!row || row.type !== ENDPOINT_TYPE) return null;
      return {
        url: String(row.data.url),
        secrets: signingSecretsOf(row.internal, ctx.clock.now()),
        scheme: 'stripe',
        enabled: row.data.status === 'enabled',
      };
    },
    onAttempt: (e) => {
      if (e.outcome === 'delivered') markDelivered(ctx, e.message.eventId);
      // runtime.recordAttempt, plus the exercise note the console draws on attempts a rule decided.
      recordDeliveryAttempt(recorder, e, { to: runtime.nameOf(e.message.url), exercise: retryExercise?.id });
    },
    onEndpointFailing: (endpointId, health) => {
      if (disableFailingEndpoint(ctx, endpointId, health.failingSince ?? undefined)) {
        const since = new Date(health.failingSince ?? 0).toISOString();
        logger.warn(
          { endpointId, failingSince: since },
          'webhook endpoint disabled: failing with no success',
        );
      }
    },
  });
  runtime.registerSender('outbox', dispatcher);
  // Dead (retries spent) and failed (set aside while disabled) deliveries of one endpoint, sent again.
  const replayFailedDeliveries = (endpointId: string) => dispatcher.replaySince(0, { endpointId });
  replay = replayFailedDeliveries;
  const app = createApp(ctx);
  const server = await runtime.serve(app, {
    handleSignals: opts.handleSignals,
    onShutdown: [
      () => ctx.jobs.stop(),
      () => dispatcher.stop({ drainMs: 2000 }),
      () => transport.close(),
      () => close(),
    ],
  });
  publicUrl ||= server.url;
  ctx.jobs.start();
  await dispatcher.start();
  return {
    ...runtime.running(server),
    keys: [...keyringOf(config).keys()],
    jobs: ctx.jobs,
    outbox,
    dispatcher,
    replayFailedDeliveries,
  };
}
