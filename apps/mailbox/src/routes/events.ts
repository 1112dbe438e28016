import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { MailboxContext } from '../context.ts';
import type { InboxEvent } from '../domain/inbox-events.ts';
import { getMessage } from '../domain/messages.ts';
import { messageSummary } from '../http/representations.ts';

const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /api/v1/events`: the inbox's changes as Server-Sent Events — `message` (a new message's summary),
 * `deleted` (`{id}`) and `cleared`. The inbox page listens to it for live arrival.
 */
export function eventRoutes(ctx: MailboxContext) {
  return new Hono().get('/', (c) => {
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      const queue: InboxEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = ctx.events.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!closed) {
        const e = queue.shift();
        if (!e) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KEEP_ALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (!closed && queue.length === 0) await stream.write(': keep-alive\n\n');
          continue;
        }
        if (e.type === 'created') {
          const m = getMessage(ctx.db, e.id);
          if (m)
            await stream.writeSSE({ event: 'message', id: m.id, data: JSON.stringify(messageSummary(m)) });
        } else if (e.type === 'deleted')
          await stream.writeSSE({ event: 'deleted', data: JSON.stringify({ id: e.id }) });
        else await stream.writeSSE({ event: 'cleared', data: '{}' });
      }
      unsubscribe();
    });
  });
}
