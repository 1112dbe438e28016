import type Database from 'better-sqlite3';
import type { Inbox } from './inbox.ts';

export interface SqliteInbox extends Inbox {
  /** Deletes ids received before `before` (epoch ms or Date); returns how many went. */
  prune(before: number | Date): number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** An inbox in a better-sqlite3 table (`id TEXT PRIMARY KEY, received_at INTEGER` epoch ms), created if missing. */
export function createSqliteInbox(db: Database.Database, table = 'webhook_inbox'): SqliteInbox {
  if (!IDENTIFIER.test(table))
    throw new TypeError(`createSqliteInbox: invalid table name ${JSON.stringify(table)}`);
  db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL)`);
  const select = db.prepare<[string], { found: number }>(`SELECT 1 AS found FROM "${table}" WHERE id = ?`);
  const insert = db.prepare<[string, number]>(
    `INSERT OR IGNORE INTO "${table}" (id, received_at) VALUES (?, ?)`,
  );
  const remove = db.prepare<[number]>(`DELETE FROM "${table}" WHERE received_at < ?`);
  return {
    seen: (id) => select.get(id) !== undefined,
    record: (id) => {
      insert.run(id, Date.now());
    },
    prune: (before) => remove.run(before instanceof Date ? before.getTime() : before).changes,
  };
}
