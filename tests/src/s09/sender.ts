// A tiny event sender built for S09: the same events sent at-most-once (from memory, one try) or
// at-least-once (written to the outbox in the business transaction, then delivered with retries).
import { createServiceApp, ExchangeRecorder, newId, type RunningApp, serve } from '@hooklab/service';
import {
  createDispatcher,
  createFireAndForget,
  createSqliteOutbox,
  type NewMessage,
} from '@hooklab/webhooks';
import Database from 'better-sqlite3';
import { z } from 'zod';

export const SENDER_SECRET = 'whsec_aG9va2xhYi1zOS1zZW5kZXItdGVzdC1zZWNyZXQ=';

const emitBody = z.object({
  mode: z.enum(['at-most-once', 'at-least-once']),
  count: z.number().int().min(1).max(10_000),
  target: z.url(),
});

/** Starts the S09 sender on a free port; `file` may be a path so a crash/restart test keeps the outbox. */
export async function startSender(opts: { file?: string } = {}): Promise<RunningApp> {
  const sqlite = new Database(opts.file ?? ':memory:');
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(
    'CREATE TABLE IF NOT EXISTS sales (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, mode TEXT NOT NULL)',
  );
  const outbox = createSqliteOutbox(sqlite);
  const dispatcher = createDispatcher({ store: outbox, retrySchedule: 'local', timeoutMs: 2000 });
  const fireAndForget = createFireAndForget({ timeoutMs: 2000 });
  const recorder = new ExchangeRecorder('s09-sender');
  const insertSale = sqlite.prepare('INSERT INTO sales (id, seq, mode) VALUES (?, ?, ?)');
  let seq = 0;

  const app = createServiceApp({ name: 's09-sender', recorder });
  app.post('/emit', async (c) => {
    const { mode, count, target } = emitBody.parse(await c.req.json());
    const sales: { seq: number; message: NewMessage }[] = [];
    for (let i = 0; i < count; i++) {
      const eventId = newId('evt');
      seq += 1;
      const body = JSON.stringify({
        type: 'sale.recorded',
        timestamp: new Date().toISOString(),
        data: { id: eventId, seq, mode },
      });
      sales.push({
        seq,
        message: {
          endpointId: 'we_s09',
          url: target,
          eventType: 'sale.recorded',
          eventId,
          body,
          signing: { scheme: 'standard', secrets: [SENDER_SECRET] },
          profile: 'standard',
        },
      });
    }
    if (mode === 'at-least-once') {
      // The outbox lesson: the sale and its event commit together or not at all.
      sqlite.transaction(() => {
        for (const { seq, message } of sales) {
          insertSale.run(message.eventId, seq, mode);
          outbox.enqueue(sqlite, message);
        }
      })();
      return c.json({ accepted: count, mode }, 202);
    }
    for (const { seq, message } of sales) insertSale.run(message.eventId, seq, mode);
    const results = await Promise.all(sales.map(({ message }) => fireAndForget.send(message)));
    return c.json({ accepted: count, mode, sent: results.filter((r) => r.outcome === 'sent').length }, 202);
  });
  app.get('/stats', async (c) => {
    const ff = fireAndForget.stats();
    const store = await dispatcher.storeStats();
    return c.json({
      'at-most-once': { sent: ff.sent, dropped: ff.dropped },
      'at-least-once': { ...store, retried: dispatcher.stats().retried },
    });
  });
  app.get('/messages', async (c) => {
    const status = c.req.query('status') as 'dead' | 'pending' | 'delivered' | undefined;
    return c.json({ data: await outbox.listMessages({ status, limit: 20 }) });
  });
  app.get('/messages/:id', async (c) => {
    const m = await outbox.getMessage(c.req.param('id'));
    return m ? c.json(m) : c.json({ title: 'not found' }, 404);
  });
  app.post('/replay', async (c) => {
    const since = Number((await c.req.json().catch(() => ({}))).since ?? 0);
    // Everything, delivered messages too: the lesson is what a receiver without an inbox then does.
    return c.json({ replayed: await dispatcher.replaySince(since, { includeDelivered: true }) });
  });

  await dispatcher.start();
  const server = await serve({
    app,
    port: 0,
    onShutdown: [() => dispatcher.stop({ drainMs: 2000 }), () => fireAndForget.close(), () => sqlite.close()],
  });
  return { name: 's09-sender', url: server.url, port: server.port, recorder, close: server.close };
}
