// WAL checkpoints off the event loop. SQLite runs an automatic checkpoint inside whichever commit pushes
// the WAL past 1,000 pages; with synchronous=NORMAL that checkpoint fsyncs the WAL and the database, and
// on a busy disk it blocks the event loop for tens of milliseconds (the steady-rate p99 stall). Here the
// connection's automatic checkpoints are turned off and a worker thread, on its own connection to the
// same file, runs PASSIVE checkpoints (which never block writers). Durability is unchanged: commits are
// exactly as durable as before; only the copy of WAL pages back into the database file moves threads.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
} catch (error) {
  parentPort.postMessage({ failed: String(error) });
  process.exit(0);
}
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer = null;
const round = () => {
  let behind = false;
  try {
    const r = checkpoint.get();
    behind = r.log > r.checkpointed;
    if (r.log > 0) parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (error) {
    // SQLITE_BUSY and the like: the next round tries again.
  }
  // Behind a writer: go again at once, so that a round finishes in a gap between commits (the next
  // commit then restarts the WAL from the top). Caught up: rest.
  timer = setTimeout(round, behind ? 1 : workerData.intervalMs);
};
timer = setTimeout(round, workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    clearTimeout(timer);
    try { db.close(); } catch {}
    process.exit(0);
  }
});
`;

/**
 * Moves WAL checkpoints of `db` (a file database in WAL mode) to a worker thread. Returns a stop
 * function, or null when it does not apply (memory database, not WAL, or read-only).
 */
export function startBackgroundCheckpoints(
  db: BetterSqlite3.Database,
  intervalMs = 100,
  maxWalPages = 16_384,
): (() => void) | null {
  if (db.memory || db.readonly || !db.name) return null;
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode !== 'wal') return null;
  const previous = Number(db.pragma('wal_autocheckpoint', { simple: true }));
  const inlinePages = previous > 0 ? previous : 1000;
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: db.name, intervalMs },
      // The checkpointer needs none of the parent's loaders or flags.
      execArgv: [],
    });
  } catch {
    return null;
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(watch);
    worker.postMessage('stop');
    if (db.open) db.pragma(`wal_autocheckpoint = ${inlinePages}`);
  };
  // Should the worker fail, SQLite's own automatic checkpoints come back; should it fall far behind
  // (writes without a pause), they come back until it has caught up, so the WAL stays bounded.
  let inlineFallback = false;
  worker.on('message', (msg: { failed?: string; log?: number }) => {
    if (msg?.failed) return stop();
    if (stopped || !db.open || msg?.log === undefined) return;
    if (!inlineFallback && msg.log > maxWalPages) {
      inlineFallback = true;
      db.pragma(`wal_autocheckpoint = ${inlinePages}`);
    } else if (inlineFallback && msg.log <= maxWalPages / 4) {
      inlineFallback = false;
      db.pragma('wal_autocheckpoint = 0');
    }
  });
  worker.on('error', stop);
  worker.on('exit', stop);
  // The caller owns the connection: once it is closed, the worker goes too.
  const watch = setInterval(() => {
    if (!db.open) stop();
  }, 1000);
  watch.unref();
  db.pragma('wal_autocheckpoint = 0');
  // Last, after the listeners (adding one refs the worker again): it never keeps the process alive.
  worker.unref();
  return stop;
}
