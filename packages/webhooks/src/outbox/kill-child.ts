// Fixture for kill.test.ts: a dispatcher process that the test SIGKILLs mid-burst and starts again.
// Usage: tsx kill-child.ts sqlite <file> | postgres <url> <schema>
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { createDispatcher } from './dispatcher.ts';
import { createPostgresOutbox } from './postgres-store.ts';
import { createSqliteOutbox } from './sqlite-store.ts';
import type { OutboxStore } from './types.ts';

const [kind, target, schema] = process.argv.slice(2);
let store: OutboxStore;
if (kind === 'sqlite' && target) {
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  store = createSqliteOutbox(db);
} else if (kind === 'postgres' && target && schema) {
  store = createPostgresOutbox(postgres(target, { max: 4, onnotice: () => {} }), { schema });
} else {
  throw new Error('usage: kill-child.ts sqlite <file> | postgres <url> <schema>');
}

const dispatcher = createDispatcher({ store, timeoutMs: 1000, leaseMs: 1500, pollMs: 200 });
await dispatcher.start();
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
