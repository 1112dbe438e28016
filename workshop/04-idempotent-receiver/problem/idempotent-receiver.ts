// Exercise 04: an idempotent receiver: one effect per event id, however often it arrives.
// Run `pnpm workshop test 04`, then `pnpm dev --exercise 04`: the shop's inbox uses your rememberEvent.
import type { SqliteClient } from '@hooklab/db';

/** The inbox, exactly as the shop has it (apps/shop/src/db/schema.ts). */
export const INBOX_DDL = `CREATE TABLE IF NOT EXISTS inbox (
  source TEXT NOT NULL, message_id TEXT NOT NULL, type TEXT NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (source, message_id))`;

export interface InboxMessage {
  source: string;
  id: string;
  type: string;
  receivedAt: number;
}

/** Records a message id; true when it is new. Call it inside the transaction of the effect. */
export function rememberEvent(db: SqliteClient, m: InboxMessage): boolean {
  db.prepare('INSERT OR IGNORE INTO inbox (source, message_id, type, received_at) VALUES (?, ?, ?, ?)').run(
    m.source,
    m.id,
    m.type,
    Math.round(m.receivedAt),
  );
  // TODO: say whether this id is new: .run() returns { changes } (0 when the row was already there).
  return true;
}

/** Applies `effect` once per (source, id): the inbox row and the effect commit together, or neither does. */
export function handleOnce<T>(
  db: SqliteClient,
  m: InboxMessage,
  effect: () => T,
): { duplicate: true } | { duplicate: false; result: T } {
  // TODO: skip the effect for an id already in the inbox ({ duplicate: true }).
  // TODO: run rememberEvent and the effect in ONE transaction (db.transaction(fn)()), so that an effect
  // that throws leaves no inbox row behind, and the sender's retry can still apply it.
  const result = effect();
  rememberEvent(db, m);
  return { duplicate: false, result };
}
