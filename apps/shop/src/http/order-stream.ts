import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ShopContext } from '../context.ts';
import type { OrderEvent } from '../db/schema.ts';
import type { OrderChange } from '../domain/order-bus.ts';
import type { OrderView } from '../domain/orders.ts';

export interface OrderMessage {
  event: string;
  data: string;
}

export interface OrderStreamOptions {
  /** The last event id the client has (Last-Event-ID on a reconnect); 0 for none. */
  after: number;
  /** Messages for the events the client missed, oldest first (each sent with its event id). */
  missed?: (event: OrderEvent, order: OrderView) => OrderMessage | Promise<OrderMessage>;
  /** The current state, sent after the missed events. */
  snapshot: (order: OrderView) => OrderMessage | Promise<OrderMessage>;
  /** One committed change. */
  change: (change: OrderChange) => OrderMessage | Promise<OrderMessage>;
  /** Ends the stream after this change. */
  closeAfter?: (change: OrderChange) => boolean;
}

/**
 * An SSE stream of one order: what a reconnecting client missed, the current state, then every change as
 * its transaction commits (the order bus). Subscribes before reading, so nothing falls in between.
 */
export function streamOrder(c: Context, s: ShopContext, orderId: string, opts: OrderStreamOptions) {
  return streamSSE(c, async (stream) => {
    const queue: OrderChange[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = s.bus.subscribe(orderId, (change) => {
      queue.push(change);
      wake?.();
    });
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    try {
      let sentUpTo = Number.isFinite(opts.after) && opts.after > 0 ? opts.after : 0;
      if (sentUpTo > 0 && opts.missed) {
        for (const e of s.orders.events(orderId, sentUpTo)) {
          const order = s.orders.get(orderId);
          if (!order) return;
          await stream.writeSSE({ ...(await opts.missed(e, order)), id: String(e.id) });
          sentUpTo = e.id;
        }
      }
      const order = s.orders.get(orderId);
      if (!order) return;
      sentUpTo = Math.max(sentUpTo, s.orders.events(orderId).at(-1)?.id ?? 0);
      await stream.writeSSE({ ...(await opts.snapshot(order)), id: String(sentUpTo) });
      while (!closed) {
        const change = queue.shift();
        if (!change) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 15_000);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (!queue.length && !closed) await stream.write(': keep-alive\n\n');
          continue;
        }
        if (change.eventId <= sentUpTo) continue;
        sentUpTo = change.eventId;
        await stream.writeSSE({ ...(await opts.change(change)), id: String(change.eventId) });
        if (opts.closeAfter?.(change)) break;
      }
    } finally {
      unsubscribe();
    }
  });
}
