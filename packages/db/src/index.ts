import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

export type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
export type SqliteClient = Database.Database;

export interface OpenDatabaseOptions<S extends Record<string, unknown>> {
  /** A file path, or `:memory:` for tests. */
  file: string;
  /** The app's drizzle schema (tables), for typed queries. */
  schema?: S;
  /** Folder of drizzle-kit generated migrations, applied at open. */
  migrationsFolder?: string;
}

export interface OpenDatabase<S extends Record<string, unknown>> {
  db: BetterSQLite3Database<S>;
  /** The raw better-sqlite3 connection: the delivery engine's outbox shares it (and its transactions). */
  sqlite: SqliteClient;
  close(): void;
}

/** Opens SQLite with WAL and a busy timeout, applies migrations, and wraps it in drizzle. */
export function openDatabase<S extends Record<string, unknown> = Record<string, never>>(
  opts: OpenDatabaseOptions<S>,
): OpenDatabase<S> {
  if (opts.file !== ':memory:') mkdirSync(resolve(opts.file, '..'), { recursive: true });
  const sqlite = new Database(opts.file);
  if (opts.file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema: opts.schema ?? ({} as S) });
  if (opts.migrationsFolder) migrate(db, { migrationsFolder: opts.migrationsFolder });
  let closed = false;
  return {
    db,
    sqlite,
    close() {
      if (closed) return;
      closed = true;
      sqlite.close();
    },
  };
}

/** Where an app keeps its data: `DATA_DIR`, else `.data/<app>` under the working directory. */
export function dataDirFor(app: string, dataDir?: string): string {
  return resolve(dataDir && dataDir.length > 0 ? dataDir : join('.data', app));
}

/** The app's database file inside its data dir. */
export function databaseFileFor(app: string, dataDir?: string): string {
  return join(dataDirFor(app, dataDir), `${app}.sqlite`);
}
export * from './jobs.ts';
