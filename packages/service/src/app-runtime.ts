import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { type HttpTimeoutConfig, httpTimeoutsOf } from './config.ts';
import { appControl, dispatcherSender, type PausableDispatcher } from './control.ts';
import { type DeliveryAttemptLike, recordDeliveryAttempt, serviceNamer } from './deliveries.ts';
import { ExchangeRecorder } from './exchanges.ts';
import { createTracedFetch, type FetchLike } from './http-client.ts';
import { createLogger } from './logger.ts';
import type { RunningApp, StartOptions } from './running-app.ts';
import { type RunningServer, serve } from './serve.ts';
import { DEFAULT_PORTS, portOf, type ServiceName, type ServiceUrls, serviceUrls } from './services.ts';

/** The fields of an app's validated config that its runtime reads. */
export type AppRuntimeConfig = HttpTimeoutConfig & { LOG_LEVEL: string; HOST: string };

export interface AppRuntimeOptions {
  /** The port to listen on; default `portOf(name, env)` (an app outside the service map must pass its own). */
  port?: number;
  /** The `kind` of the exchanges its traced fetch records (default `api`). */
  fetchKind?: string;
}

/** What every app's `start` builds first: its logger, recorder, service map and traced fetch. */
export interface AppRuntime {
  name: string;
  logger: Logger;
  recorder: ExchangeRecorder;
  urls: ServiceUrls;
  /** The service behind a URL (service map), else its host: the `to` of recorded exchanges. */
  nameOf: (url: string | URL) => string;
  /** Outbound API calls: traceparent added, each exchange recorded as this app's, callee named by `nameOf`. */
  fetch: FetchLike;
  /** A dispatcher's `onAttempt`: the attempt in its message's trace, to the service its URL names. */
  recordAttempt(e: DeliveryAttemptLike): void;
  /** Dev mode: the console's "pause sender" switch stops and restarts this dispatcher. */
  registerSender(name: string, dispatcher: PausableDispatcher): void;
  /** serve() on the app's port and HOST, with its slow-client timeouts; `opts` are start()'s options. */
  serve(
    // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env type
    app: Hono<any>,
    opts: StartOptions & { onShutdown?: (() => Promise<void> | void)[] },
  ): Promise<RunningServer>;
  /** The RunningApp that start() resolves to, for this server. */
  running(server: RunningServer): RunningApp;
}

function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(DEFAULT_PORTS, name);
}

/** An app's runtime from its name, the environment and its validated config. */
export function appRuntime(
  name: string,
  env: Record<string, string | undefined>,
  config: AppRuntimeConfig,
  opts: AppRuntimeOptions = {},
): AppRuntime {
  const port = opts.port ?? (isServiceName(name) ? portOf(name, env) : undefined);
  if (port === undefined) throw new TypeError(`${name} is not in the service map: pass its port`);
  const logger = createLogger(name, config.LOG_LEVEL);
  const recorder = new ExchangeRecorder(name);
  const urls = serviceUrls(env);
  const nameOf = serviceNamer(urls);
  return {
    name,
    logger,
    recorder,
    urls,
    nameOf,
    fetch: createTracedFetch({ from: name, recorder, kind: opts.fetchKind, nameOf: (url) => nameOf(url) }),
    recordAttempt: (e) => {
      recordDeliveryAttempt(recorder, e, { to: nameOf(e.message.url) });
    },
    registerSender: (senderName, dispatcher) => {
      appControl(recorder).registerSender(dispatcherSender(senderName, dispatcher));
    },
    serve: (app, { handleSignals, onShutdown }) =>
      serve({
        app,
        port,
        hostname: config.HOST,
        logger,
        timeouts: httpTimeoutsOf(config),
        handleSignals,
        onShutdown,
      }),
    running: (server) => ({ name, url: server.url, port: server.port, recorder, close: server.close }),
  };
}
