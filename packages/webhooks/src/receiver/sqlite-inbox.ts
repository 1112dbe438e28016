import type Database from 'better-sqlite3';
import type { Inbox } from './inbox.ts';

export interface SqliteInbox extends Required<Inbox> {
  /** Deletes ids received before `before` (epoch ms or Date); returns how many went. */
  prune(before: number | Date): number;
}

export interface SqliteInboxOptions {
  /** Default `webhook_inbox`. */
  table?: string;
  /** Column names, for a table an app's migrations own; default `scope`, `id`, `received_at`. */
  columns?: { scope?: string; id?: string; receivedAt?: string };
  /**
   * Create the table when missing (default). Pass false when migrations own it; it must have the three
   * columns and a primary key (or unique index) on (scope, id).
   */
  create?: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * An inbox in a better-sqlite3 table keyed by (scope, id), created if missing. `claim` records inside
 * the caller's transaction when it runs on the same connection.
 */
export function createSqliteInbox(
  db: Database.Database,
  tableOrOptions: string | SqliteInboxOptions = {},
): SqliteInbox {
  const options = typeof tableOrOptions === 'string' ? { table: tableOrOptions } : tableOrOptions;
  const table = options.table ?? 'webhook_inbox';
  const scope = options.columns?.scope ?? 'scope';
  const id = options.columns?.id ?? 'id';
  const receivedAt = options.columns?.receivedAt ?? 'received_at';
  for (const name of [table, scope, id, receivedAt]) {
    if (!IDENTIFIER.test(name))
      throw new TypeError(`createSqliteInbox: invalid name ${JSON.stringify(name)}`);
  }
  if (options.create !== false) createTable(db, table, scope, id, receivedAt);
  const select = db.prepare<[string, string], { found: number }>(
    `SELECT 1 AS found FROM "${table}" WHERE "${scope}" = ? AND "${id}" = ?`,
  );
  const insert = db.prepare<[string, string, number]>(
    `INSERT OR IGNORE INTO "${table}" ("${scope}", "${id}", "${receivedAt}") VALUES (?, ?, ?)`,
  );
  const remove = db.prepare<[number]>(`DELETE FROM "${table}" WHERE "${receivedAt}" < ?`);
  return {
    seen: (messageId, sender = '') => select.get(sender, messageId) !== undefined,
    record: (messageId, sender = '') => {
      insert.run(sender, messageId, Date.now());
    },
    claim: (messageId, sender = '') => insert.run(sender, messageId, Date.now()).changes > 0,
    prune: (before) => remove.run(before instanceof Date ? before.getTime() : before).changes,
  };
}

function createTable(db: Database.Database, table: string, scope: string, id: string, receivedAt: string) {
  const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map(
    (c) => c.name,
  );
  const ddl = (name: string) =>
    `CREATE TABLE "${name}" ("${scope}" TEXT NOT NULL DEFAULT '', "${id}" TEXT NOT NULL,
      "${receivedAt}" INTEGER NOT NULL, PRIMARY KEY ("${scope}", "${id}"))`;
  if (columns.length === 0) {
    db.exec(ddl(table));
  } else if (!columns.includes(scope)) {
    // A table from before scopes (id alone was the key): rebuilt, its ids kept under the '' scope.
    db.transaction(() => {
      db.exec(ddl(`${table}_scoped`));
      db.exec(
        `INSERT INTO "${table}_scoped" ("${id}", "${receivedAt}") SELECT "${id}", "${receivedAt}" FROM "${table}"`,
      );
      db.exec(`DROP TABLE "${table}"`);
      db.exec(`ALTER TABLE "${table}_scoped" RENAME TO "${table}"`);
    })();
  }
}
