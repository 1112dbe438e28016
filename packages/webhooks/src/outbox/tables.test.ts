import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresOutbox } from './postgres-store.ts';
import { postgresSuite } from './postgres-test-env.ts';
import { createSqliteOutbox } from './sqlite-store.ts';
import { outboxDdl } from './tables.ts';

/** index name → its columns, for the outbox tables of a SQLite connection. */
function sqliteIndexes(db: Database.Database): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const rows = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
    .all() as { name: string }[];
  for (const { name } of rows) {
    out[name] = (db.prepare(`PRAGMA index_info(${name})`).all() as { name: string }[]).map((c) => c.name);
  }
  return out;
}

describe('outbox tables', () => {
  it('SQLite: an older due index without endpoint_id is replaced', () => {
    const db = new Database(':memory:');
    db.exec(outboxDdl('sqlite', 'shop_').join(';'));
    db.exec('DROP INDEX shop_outbox_messages_due_ep');
    db.exec('CREATE INDEX shop_outbox_messages_due ON shop_outbox_messages (status, next_attempt_at)');
    createSqliteOutbox(db, { tablePrefix: 'shop_', checkpoints: 'inline' });
    expect(sqliteIndexes(db)).toEqual({
      shop_outbox_attempts_message: ['message_id', 'attempt_no'],
      shop_outbox_messages_due_ep: ['status', 'next_attempt_at', 'endpoint_id'],
      shop_outbox_messages_endpoint: ['endpoint_id', 'id'],
    });
  });
});

postgresSuite('outbox tables on PostgreSQL', (url) => {
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const schema = `t_tables_${process.pid}_${Date.now()}`;
  afterAll(async () => {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  it('has the same indexes, on the same columns, as SQLite (an older due index is replaced)', async () => {
    await sql.unsafe(`CREATE SCHEMA "${schema}"`);
    await sql.unsafe(outboxDdl('postgres', '', schema)[0]!);
    await sql.unsafe(
      `CREATE INDEX outbox_messages_due ON "${schema}".outbox_messages (status, next_attempt_at)`,
    );
    await createPostgresOutbox(sql, { schema }).ready;
    const rows = await sql`
      SELECT i.relname AS name, array_agg(a.attname ORDER BY k.ord) AS columns
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
        CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
       WHERE n.nspname = ${schema} AND NOT x.indisprimary
       GROUP BY i.relname`;
    const pg = Object.fromEntries(rows.map((r) => [r.name as string, r.columns as string[]]));
    const lite = new Database(':memory:');
    createSqliteOutbox(lite, { checkpoints: 'inline' });
    expect(pg).toEqual(sqliteIndexes(lite));
  });
});
