import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';

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
}

/** Listens with graceful shutdown; resolves once the port is bound (port 0 picks a free one). */
export function serve(opts: ServeOptions): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch: opts.app.fetch, hostname: opts.hostname ?? '127.0.0.1' });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.hostname ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.hostname && opts.hostname !== '0.0.0.0' ? opts.hostname : '127.0.0.1';
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      let closing: Promise<void> | undefined;
      const close = () => {
        closing ??= (async () => {
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
