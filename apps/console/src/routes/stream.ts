import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ConsoleContext } from '../context.ts';
import type { ConsoleEvent } from '../domain/store.ts';

const dataOf = (e: ConsoleEvent) =>
  JSON.stringify(
    e.type === 'exchange'
      ? e.exchange
      : e.type === 'service'
        ? e.service
        : e.type === 'run'
          ? e.run
          : e.switch,
  );

/**
 * `GET /api/stream`: what every app records, the apps' states, runs and switches, as one SSE stream for the
 * browser. A fresh connection starts with a `snapshot`; a reconnect's Last-Event-ID gets what it missed.
 */
export function streamRoutes(ctx: ConsoleContext) {
  return new Hono().get('/', (c) => {
    const last = Number(c.req.header('last-event-id'));
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      const queue: { seq: number; event: ConsoleEvent }[] = [];
      let wake: (() => void) | undefined;
      let closed = false;
      let overflow = false;
      const unsubscribe = ctx.store.subscribe((seq, event) => {
        if (queue.length > 50_000) overflow = true;
        else queue.push({ seq, event });
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        const missed = Number.isInteger(last) && last > 0 ? ctx.store.since(last) : null;
        if (missed) queue.unshift(...missed.filter((m) => !queue.some((q) => q.seq === m.seq)));
        else {
          const snap = ctx.store.snapshot();
          // Live events the snapshot already holds are dropped by their sequence number.
          const fresh = queue.filter((q) => q.seq > snap.seq);
          queue.splice(0, queue.length, ...fresh);
          await stream.writeSSE({
            event: 'snapshot',
            id: String(snap.seq),
            data: JSON.stringify(snap),
            retry: 1000,
          });
        }
        while (!closed && !overflow) {
          const next = queue.shift();
          if (next) {
            await stream.writeSSE({ event: next.event.type, id: String(next.seq), data: dataOf(next.event) });
            continue;
          }
          const idle = await new Promise<boolean>((resolve) => {
            const t = setTimeout(() => resolve(true), 15_000);
            wake = () => {
              clearTimeout(t);
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
  });
}
