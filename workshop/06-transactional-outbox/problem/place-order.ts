// Exercise 06: the transactional outbox. Run `pnpm workshop test 06`.
// Today the order commits and then the event is sent: if the sender dies in between, the event is lost.
import type { SqliteClient } from '@hooklab/db';
import { todo } from '../../kit/check.ts';

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
  db.prepare('INSERT INTO orders (id, total_cents) VALUES (?, ?)').run(order.id, order.totalCents);
  // TODO: a "dual write": the order is committed, and if send() fails now the event is gone for good.
  // Insert the event into `outbox` in the SAME transaction as the order (db.transaction(fn)()), then
  // try relay() (a failure is fine: the row waits for the next round).
  await send(event);
}

/** Sends the outbox's unsent rows, oldest first; marks each sent only after `send` returned. */
export async function relay(db: SqliteClient, send: Send): Promise<number> {
  // TODO: SELECT the rows WHERE sent_at IS NULL ORDER BY seq; send each; set sent_at only once send()
  // returned; stop at the first failure (the next round starts from there). Return how many were sent.
  return todo(`relay(${typeof db}, ${typeof send})`);
}
