// Fixture for kill.test.ts: a dispatcher process sending through the transport router (SMTP_URL, QUEUE_DB,
// REDIS_URL, MQTT_URL, TOPIC_BROKER_PORT from its environment), SIGKILLed mid-burst and started again.
// Usage: node --import tsx kill-child.ts <outbox.sqlite>
import Database from 'better-sqlite3';
import { createDispatcher } from '../outbox/dispatcher.ts';
import { createSqliteOutbox } from '../outbox/sqlite-store.ts';
import { createTransportRouter, transportSettingsFromEnv } from './router.ts';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: kill-child.ts <outbox.sqlite>');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const transport = createTransportRouter({
  ...transportSettingsFromEnv(),
  source: '/kill-test',
  timeoutMs: 1000,
});
const dispatcher = createDispatcher({
  store: createSqliteOutbox(db),
  transport,
  timeoutMs: 1000,
  leaseMs: 1500,
  pollMs: 200,
});
await dispatcher.start();
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
