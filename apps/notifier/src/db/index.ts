import { fileURLToPath } from 'node:url';
import { type BetterSQLite3Database, openDatabase, type SqliteClient } from '@hooklab/db';
import * as schema from './schema.ts';

export type NotifierDb = BetterSQLite3Database<typeof schema>;

/** The drizzle-kit migrations, checked in: the one way every entry point finds them. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Opens (and migrates) the notifier database; `:memory:` for tests. */
export function openNotifierDatabase(file: string): { db: NotifierDb; sqlite: SqliteClient; close(): void } {
  return openDatabase({ file, schema, migrationsFolder });
}

export { schema };
