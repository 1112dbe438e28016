import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { type DevSurfaceConfig, devAccessError, devAccessOf } from './dev-surface.ts';
import { normalizeError, problemResponse } from './errors.ts';
import type { Exchange, ExchangeRecorder } from './exchanges.ts';

export interface ExchangeStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  keepAliveMs?: number;
  /** Exchanges a slow reader may fall behind by before its stream is closed (it reconnects and catches up). */
  maxQueued?: number;
}

/**
 * `GET /_hooklab/exchanges/stream`: every exchange as it is recorded, as Server-Sent Events (`event:
 * exchange`, `id:` the exchange id, `data:` the redacted exchange). A reconnect's `Last-Event-ID` replays
 * what the ring holds after that id (all of it when the id has left the ring, or the app restarted);
 * `?backlog=N` sends the last N recorded before the stream opened. Dev mode only, like the recorder.
 */
export function exchangeStream(
  recorder: ExchangeRecorder,
  dev: DevSurfaceConfig,
  opts: ExchangeStreamOptions = {},
) {
  const keepAliveMs = opts.keepAliveMs ?? 15_000;
  const maxQueued = opts.maxQueued ?? 10_000;
  const query = z.object({
    backlog: z.coerce
      .number({ error: 'backlog must be a number' })
      .int('backlog must be a whole number')
      .min(0, 'backlog must be at least 0')
      .max(recorder.capacity, `backlog must be at most ${recorder.capacity} (the ring's size)`)
      .default(0),
  });
  return (c: Context) => {
    const access = devAccessOf(c, dev);
    if (access !== 'allowed') return problemResponse(c, normalizeError(devAccessError(access)));
    const q = query.safeParse(c.req.query());
    if (!q.success) return problemResponse(c, normalizeError(q.error));
    const lastId = c.req.header('last-event-id')?.trim();
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      const queue: Exchange[] = [];
      let overflow = false;
      let closed = false;
      let wake: (() => void) | undefined;
      // Subscribing and reading the ring in one synchronous turn: nothing can fall between the two.
      const unsubscribe = recorder.subscribe((e) => {
        if (queue.length >= maxQueued) overflow = true;
        else queue.push(e);
        wake?.();
      });
      const ring = recorder.list();
      let backlog: Exchange[];
      if (lastId) {
        const i = ring.findIndex((e) => e.id === lastId);
        backlog = i >= 0 ? ring.slice(i + 1) : ring;
      } else backlog = q.data.backlog ? ring.slice(-q.data.backlog) : [];
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      const send = (e: Exchange) => stream.writeSSE({ event: 'exchange', id: e.id, data: JSON.stringify(e) });
      try {
        await stream.writeSSE({
          event: 'ready',
          data: JSON.stringify({ service: recorder.service }),
          retry: 1000,
        });
        for (const e of backlog) await send(e);
        while (!closed && !overflow) {
          const e = queue.shift();
          if (e) {
            await send(e);
            continue;
          }
          const idle = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), keepAliveMs);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = undefined;
          if (idle && !closed) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  };
}
