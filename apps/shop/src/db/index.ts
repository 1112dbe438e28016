import { fileURLToPath } from 'node:url';
import { type BetterSQLite3Database, openDatabase, type SqliteClient } from '@hooklab/db';
import * as schema from './schema.ts';

export type ShopDb = BetterSQLite3Database<typeof schema>;

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Opens (and migrates) the shop's database; `:memory:` for tests. */
export function openShopDatabase(file: string): { db: ShopDb; sqlite: SqliteClient; close(): void } {
  return openDatabase({ file, schema, migrationsFolder });
}

export { schema };
