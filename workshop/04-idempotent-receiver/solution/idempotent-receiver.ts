// Exercise 04 (reference): an idempotent receiver: one effect per event id, however often it arrives.
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
  const r = db
    .prepare(
      'INSERT INTO inbox (source, message_id, type, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    )
    .run(m.source, m.id, m.type, Math.round(m.receivedAt));
  return r.changes === 1;
}

/** Applies `effect` once per (source, id): the inbox row and the effect commit together, or neither does. */
export function handleOnce<T>(
  db: SqliteClient,
  m: InboxMessage,
  effect: () => T,
): { duplicate: true } | { duplicate: false; result: T } {
  return db.transaction(() => {
    if (!rememberEvent(db, m)) return { duplicate: true as const };
    return { duplicate: false as const, result: effect() };
  })();
}
