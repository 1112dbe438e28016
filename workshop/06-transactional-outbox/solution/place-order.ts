// Exercise 06 (reference): the transactional outbox. The order and its `order.created` event commit
// together; a relay sends the event, and keeps it until the receiver said 2xx.
import type { SqliteClient } from '@hooklab/db';

export const SCHEMA = `
  CREATE TABLE orders (id TEXT PRIMARY KEY, total_cents INTEGER NOT NULL);
  CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL, sent_at INTEGER);`;

export interface OrderCreated {
  type: 'order.created';
  order_id: string;
  total_cents: number;
}

/** Delivers one event (an HTTP POST to logistics in the shop); throws when it was not delivered. */
export type Send = (event: OrderCreated) => Promise<void>;

export async function placeOrder(db: SqliteClient, order: { id: string; totalCents: number }, send: Send) {
  const event: OrderCreated = { type: 'order.created', order_id: order.id, total_cents: order.totalCents };
  db.transaction(() => {
    db.prepare('INSERT INTO orders (id, total_cents) VALUES (?, ?)').run(order.id, order.totalCents);
    db.prepare('INSERT INTO outbox (type, payload) VALUES (?, ?)').run(event.type, JSON.stringify(event));
  })();
  // Sending now is only a shortcut: a failure leaves the row for the relay's next round.
  await relay(db, send).catch(() => undefined);
}

/** Sends the outbox's unsent rows, oldest first; marks each sent only after `send` returned. */
export async function relay(db: SqliteClient, send: Send): Promise<number> {
  const rows = db.prepare('SELECT seq, payload FROM outbox WHERE sent_at IS NULL ORDER BY seq').all() as {
    seq: number;
    payload: string;
  }[];
  let sent = 0;
  for (const row of rows) {
    try {
      await send(JSON.parse(row.payload));
    } catch {
      break; // keep order: the next round starts again from this row
    }
    db.prepare('UPDATE outbox SET sent_at = ? WHERE seq = ?').run(Date.now(), row.seq);
    sent++;
  }
  return sent;
}
