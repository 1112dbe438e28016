// Faults: SIGKILL the dispatcher process mid-burst, start it again, and check that every message
// arrives at least once and, behind the receiver's inbox dedupe, each handler runs exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPostgresOutbox } from './postgres-store.ts';
import { postgresSuite } from './postgres-test-env.ts';
import { createSqliteOutbox } from './sqlite-store.ts';
import { startTestReceiver } from './test-receiver.ts';
import type { NewMessage, OutboxStore } from './types.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CHILD = resolve(import.meta.dirname, 'kill-child.ts');
const BURST = 3000;

function spawnChild(args: string[]): Promise<ChildProcess> {
  // `node --import tsx` rather than the tsx CLI: the CLI forks a second process that SIGKILL would miss.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveReady, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolveReady(child);
    });
    child.once('exit', (code) => reject(new Error(`dispatcher child exited early (${code})`)));
  });
}

async function killMidBurst(
  store: OutboxStore,
  seed: (messages: NewMessage[]) => Promise<void>,
  childArgs: string[],
) {
  const seen = new Set<string>();
  const handlerRuns = new Map<string, number>();
  let requests = 0;
  const receiver = await startTestReceiver(async (req) => {
    requests++;
    const eventId = String(req.headers['x-hooklab-event-id']);
    await new Promise((r) => setTimeout(r, 2));
    // The inbox: a duplicate is acknowledged and its handler does not run again.
    if (!seen.has(eventId)) {
      seen.add(eventId);
      handlerRuns.set(eventId, (handlerRuns.get(eventId) ?? 0) + 1);
    }
    return { status: 200 };
  });
  try {
    await seed(
      Array.from({ length: BURST }, (_, i) => ({
        endpointId: `ep_${i % 4}`,
        url: `${receiver.url}/hook`,
        eventType: 'order.paid',
        eventId: `evt_${i}`,
        body: JSON.stringify({ i }),
      })),
    );
    const first = await spawnChild(childArgs);
    await vi.waitFor(() => expect(requests).toBeGreaterThan(BURST / 4), { timeout: 20_000, interval: 5 });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const killedAt = requests;
    expect(killedAt).toBeLessThan(BURST);

    const second = await spawnChild(childArgs);
    try {
      await vi.waitFor(
        async () => {
          const stats = await store.stats();
          expect(stats.delivered).toBe(BURST);
        },
        { timeout: 40_000, interval: 100 },
      );
    } finally {
      second.kill('SIGKILL');
      await new Promise((r) => second.once('exit', r));
    }
    expect(seen.size).toBe(BURST);
    expect([...handlerRuns.values()].every((n) => n === 1)).toBe(true);
    expect(requests).toBeGreaterThanOrEqual(BURST);
  } finally {
    await receiver.close();
  }
}

describe('kill test: SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL mid-burst, restart: all delivered, each handler once', { timeout: 60_000 }, async () => {
    const file = join(dir, 'outbox.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const store = createSqliteOutbox(db);
    await killMidBurst(
      store,
      async (messages) => {
        db.transaction(() => store.enqueueMany(db, messages))();
      },
      ['sqlite', file],
    );
    db.close();
  });
});

postgresSuite('kill test: PostgreSQL', (url) => {
  it('SIGKILL mid-burst, restart: all delivered, each handler once', { timeout: 60_000 }, async () => {
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    const schema = `kill_${process.pid}_${Date.now()}`;
    const store = createPostgresOutbox(sql, { schema });
    try {
      await killMidBurst(
        store,
        async (messages) => {
          await sql.begin((tx) => store.enqueueMany(tx, messages));
        },
        ['postgres', url, schema],
      );
    } finally {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.end();
    }
  });
});
