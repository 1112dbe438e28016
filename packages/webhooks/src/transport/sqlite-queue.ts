// The embedded queue engine: one SQLite file in WAL mode that every process on the machine opens (the
// sender's dispatcher publishes, consumers in other processes receive), with the semantics of Redis
// consumer groups: a claim is a row update inside BEGIN IMMEDIATE, so two consumers never get one row.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { CloudEvent } from './cloud-event.ts';
import type { QueueBroker, QueueDelivery, QueueDepth, ReceiveOptions } from './queue-broker.ts';

export interface SqliteQueueOptions {
  /** The database file; default `defaultQueueFile()`. `:memory:` works within one process. */
  file?: string;
  /** How often a waiting consumer looks for work published by another process; default 50 ms. */
  pollMs?: number;
  now?: () => number;
}

/** `QUEUE_DB`, else `.data/queues.sqlite` at the workspace root (every app process finds the same file). */
export function defaultQueueFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.QUEUE_DB) return resolve(env.QUEUE_DB);
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return join(dir, '.data', 'queues.sqlite');
    const up = dirname(dir);
    if (up === dir) return resolve(cwd, '.data', 'queues.sqlite');
    dir = up;
  }
}

interface Row {
  seq: number;
  event: string;
  deliveries: number;
}

// Wakes consumers in this process at once; other processes notice within `pollMs`.
const published = new EventEmitter();
published.setMaxListeners(0);

export function createSqliteQueue(options: SqliteQueueOptions = {}): QueueBroker {
  const file = options.file ?? defaultQueueFile();
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS queue_messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      queue TEXT NOT NULL,
      event TEXT NOT NULL,
      enqueued_at INTEGER NOT NULL,
      visible_at INTEGER NOT NULL,
      deliveries INTEGER NOT NULL DEFAULT 0,
      consumer TEXT,
      dead_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, dead_at, visible_at, seq);
  `);
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 50;
  const key = `sqlite:${file}`;

  const insert = db.prepare(
    'INSERT INTO queue_messages (queue, event, enqueued_at, visible_at) VALUES (?, ?, ?, ?)',
  );
  const due = db.prepare<[string, number, number], Row>(
    `SELECT seq, event, deliveries FROM queue_messages
     WHERE queue = ? AND dead_at IS NULL AND visible_at <= ? ORDER BY seq LIMIT ?`,
  );
  const take = db.prepare(
    'UPDATE queue_messages SET deliveries = deliveries + 1, consumer = ?, visible_at = ? WHERE seq = ?',
  );
  const bury = db.prepare('UPDATE queue_messages SET dead_at = ?, consumer = NULL WHERE seq = ?');
  const remove = db.prepare('DELETE FROM queue_messages WHERE seq = ? AND consumer = ? AND deliveries = ?');
  const dead = db.prepare<[string, number], { event: string }>(
    'SELECT event FROM queue_messages WHERE queue = ? AND dead_at IS NOT NULL ORDER BY seq LIMIT ?',
  );
  const counts = db.prepare<[number, number, string], { ready: number; inFlight: number; dead: number }>(
    `SELECT
       coalesce(sum(dead_at IS NULL AND visible_at <= ?), 0) AS ready,
       coalesce(sum(dead_at IS NULL AND visible_at > ?), 0) AS inFlight,
       coalesce(sum(dead_at IS NOT NULL), 0) AS dead
     FROM queue_messages WHERE queue = ?`,
  );

  const claim = db.transaction((queue: string, o: ReceiveOptions): QueueDelivery[] => {
    const t = now();
    const out: QueueDelivery[] = [];
    for (const row of due.all(queue, t, o.max)) {
      if (row.deliveries >= o.maxDeliveries) {
        bury.run(t, row.seq);
        continue;
      }
      take.run(o.consumer, t + o.visibilityMs, row.seq);
      out.push({
        entryId: String(row.seq),
        event: JSON.parse(row.event) as CloudEvent,
        deliveries: row.deliveries + 1,
        consumer: o.consumer,
      });
    }
    return out;
  });

  return {
    kind: 'sqlite',

    async publish(queue, event) {
      const t = now();
      insert.run(queue, JSON.stringify(event), t, t);
      published.emit(key);
    },

    async receive(queue, o) {
      const until = performance.now() + o.waitMs;
      for (;;) {
        const got = claim.immediate(queue, o);
        if (got.length > 0 || o.signal?.aborted) return got;
        const left = until - performance.now();
        if (left <= 0) return got;
        // Woken by a publish in this process, else poll for other processes' (and redeliveries).
        const ac = new AbortController();
        const wake = () => ac.abort();
        published.once(key, wake);
        o.signal?.addEventListener('abort', wake, { once: true });
        await sleep(Math.min(pollMs, left), undefined, { signal: ac.signal }).catch(() => {});
        published.off(key, wake);
        o.signal?.removeEventListener('abort', wake);
      }
    },

    async ack(_queue, d) {
      return remove.run(Number(d.entryId), d.consumer, d.deliveries).changes === 1;
    },

    async deadLetters(queue, limit = 100) {
      return dead.all(queue, limit).map((r) => JSON.parse(r.event) as CloudEvent);
    },

    async depth(queue): Promise<QueueDepth> {
      const t = now();
      return counts.get(t, t, queue)!;
    },

    async close() {
      db.close();
    },
  };
}
