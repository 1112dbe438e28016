import { fileURLToPath } from 'node:url';
import { type BetterSQLite3Database, openDatabase, type SqliteClient } from '@hooklab/db';
import * as schema from './schema.ts';

export type SlackDb = BetterSQLite3Database<typeof schema>;

/** The drizzle-kit migrations, checked in: the one way every entry point finds them. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Opens (and migrates) the slack database; `:memory:` for tests. */
export function openSlackDatabase(file: string): {
  db: SlackDb;
  sqlite: SqliteClient;
  close(): void;
} {
  return openDatabase({ file, schema, migrationsFolder });
}

export { schema };
