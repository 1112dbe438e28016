import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFileFor, dataDirFor, openDatabase } from './index.ts';

const notes = sqliteTable('notes', { id: integer('id').primaryKey(), body: text('body').notNull() });
const dir = mkdtempSync(join(tmpdir(), 'hooklab-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeMigration(folder: string) {
  mkdirSync(join(folder, 'meta'), { recursive: true });
  writeFileSync(
    join(folder, '0000_init.sql'),
    'CREATE TABLE `notes` (`id` integer PRIMARY KEY NOT NULL, `body` text NOT NULL);\n',
  );
  writeFileSync(
    join(folder, 'meta', '_journal.json'),
    JSON.stringify({
      version: '7',
      dialect: 'sqlite',
      entries: [{ idx: 0, version: '6', when: 1700000000000, tag: '0000_init', breakpoints: true }],
    }),
  );
}

describe('openDatabase', () => {
  it('applies migrations on a file in WAL mode and survives reopening', () => {
    const migrations = join(dir, 'drizzle');
    writeMigration(migrations);
    const file = join(dir, 'sub', 'app.sqlite');
    const a = openDatabase({ file, schema: { notes }, migrationsFolder: migrations });
    expect(a.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(a.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    a.db.insert(notes).values({ body: 'hello' }).run();
    a.close();
    a.close();
    const b = openDatabase({ file, schema: { notes }, migrationsFolder: migrations });
    expect(b.db.select().from(notes).all()).toEqual([{ id: 1, body: 'hello' }]);
    b.close();
  });

  it('gives each :memory: database its own data', () => {
    const migrations = join(dir, 'drizzle');
    const a = openDatabase({ file: ':memory:', schema: { notes }, migrationsFolder: migrations });
    const b = openDatabase({ file: ':memory:', schema: { notes }, migrationsFolder: migrations });
    a.db.insert(notes).values({ body: 'only in a' }).run();
    expect(b.db.get<{ n: number }>(sql`select count(*) as n from notes`)?.n).toBe(0);
    a.close();
    b.close();
  });

  it('places data under DATA_DIR or .data/<app>', () => {
    expect(dataDirFor('shop', '/srv/x')).toBe('/srv/x');
    expect(dataDirFor('shop')).toMatch(/\.data\/shop$/);
    expect(databaseFileFor('shop', '/srv/x')).toBe('/srv/x/shop.sqlite');
  });
});
