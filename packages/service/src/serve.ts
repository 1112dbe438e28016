import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { telemetryOf } from './telemetry.ts';

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then runs the shutdown hooks in order. */
  close(): Promise<void>;
}

export interface ServeOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env type
  app: Hono<any>;
  port: number;
  hostname?: string;
  logger?: Logger;
  /** Run after the server stops accepting, e.g. drain the dispatcher, then close the db. */
  onShutdown?: (() => Promise<void> | void)[];
  /** Install SIGINT/SIGTERM handlers (true for server.ts, false in tests). */
  handleSignals?: boolean;
  /** How long in-flight requests may take to finish before sockets are closed. */
  drainMs?: number;
  /** Slow-client limits (httpTimeoutsOf(config)); defaults: 30 s per request, 10 s for headers, 5 s keep-alive. */
  timeouts?: Partial<ServeTimeouts>;
}

export interface ServeTimeouts {
  /** Whole request (headers and body) must arrive within this; else 408 and the socket is closed. */
  requestMs: number;
  /** Headers must arrive within this (at most requestMs). */
  headersMs: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServeTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 };

/** Node's http.Server options for the timeouts; Node checks them every connectionsCheckingInterval. */
export function serverTimeoutOptions(t: Partial<ServeTimeouts> = {}) {
  const requestTimeout = t.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
  const headersTimeout = Math.min(t.headersMs ?? DEFAULT_TIMEOUTS.headersMs, requestTimeout);
  return {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: t.keepAliveMs ?? DEFAULT_TIMEOUTS.keepAliveMs,
    // Node's default (30 s) would let a trickling client live up to 30 s past its timeout.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}

/**
 * Every app this process serves, by the port it listens on, while it listens: lets a test walk each app's own
 * routes (`app.routes`) however the app was started (tests/src/json-routes.test.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env type
export const servedApps = new Map<number, Hono<any>>();

/**
 * Listens with graceful shutdown and slow-client timeouts (a body trickled a byte at a time gets a 408);
 * resolves once the port is bound (port 0 picks a free one).
 */
export async function serve(opts: ServeOptions): Promise<RunningServer> {
  // An app exporting traces loads the OTel SDK before its first request, and flushes it last on close.
  const telemetry = telemetryOf(opts.app);
  await telemetry?.ready;
  const server = createAdaptorServer({
    fetch: opts.app.fetch,
    hostname: opts.hostname ?? '127.0.0.1',
    serverOptions: serverTimeoutOptions(opts.timeouts),
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.hostname ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.hostname && opts.hostname !== '0.0.0.0' ? opts.hostname : '127.0.0.1';
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      servedApps.set(port, opts.app);
      let closing: Promise<void> | undefined;
      const close = () => {
        closing ??= (async () => {
          servedApps.delete(port);
          const drain = new Promise<void>((done) => server.close(() => done()));
          if ('closeIdleConnections' in server) server.closeIdleConnections();
          const timer = setTimeout(() => {
            if ('closeAllConnections' in server) server.closeAllConnections();
          }, opts.drainMs ?? 5000);
          await drain;
          clearTimeout(timer);
          for (const hook of opts.onShutdown ?? []) {
            try {
              await hook();
            } catch (err) {
              opts.logger?.error({ err }, 'shutdown hook failed');
            }
          }
          await telemetry?.shutdown();
        })();
        return closing;
      };
      if (opts.handleSignals) {
        const onSignal = (signal: string) => {
          opts.logger?.info({ signal }, 'shutting down');
          close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      opts.logger?.info({ url }, 'listening');
      resolve({ url, port, close });
    });
  });
}
