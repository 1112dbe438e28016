import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { signStandard } from '../signing/standard.ts';
import { createMemoryInbox } from './inbox.ts';
import { createSqliteInbox } from './sqlite-inbox.ts';
import { verifyWebhook, type WebhookEnv } from './verify-webhook.ts';

describe('createMemoryInbox', () => {
  it('remembers ids and forgets the least recently used beyond max', () => {
    const inbox = createMemoryInbox({ max: 2 });
    inbox.record('a');
    inbox.record('b');
    expect(inbox.seen('a')).toBe(true); // a is now more recent than b
    inbox.record('c');
    expect(inbox.seen('b')).toBe(false);
    expect(inbox.seen('a')).toBe(true);
    expect(inbox.seen('c')).toBe(true);
  });

  it('rejects a nonsensical max', () => {
    expect(() => createMemoryInbox({ max: 0 })).toThrow(RangeError);
  });

  it('keeps ids per sender (scope), and claim says whether an id was new', () => {
    const inbox = createMemoryInbox();
    inbox.record('msg_1', 'mer_a');
    expect(inbox.seen('msg_1', 'mer_a')).toBe(true);
    expect(inbox.seen('msg_1', 'mer_b')).toBe(false);
    expect(inbox.seen('msg_1')).toBe(false);
    expect(inbox.claim('msg_1', 'mer_b')).toBe(true);
    expect(inbox.claim('msg_1', 'mer_b')).toBe(false);
  });
});

describe('createSqliteInbox', () => {
  it('creates its table keyed by (scope, id) and records ids idempotently', () => {
    const db = new Database(':memory:');
    const inbox = createSqliteInbox(db);
    const columns = db.prepare('PRAGMA table_info(webhook_inbox)').all() as Array<{
      name: string;
      pk: number;
    }>;
    expect(columns.map((column) => [column.name, column.pk])).toEqual([
      ['scope', 1],
      ['id', 2],
      ['received_at', 0],
    ]);
    expect(inbox.seen('msg_1')).toBe(false);
    inbox.record('msg_1');
    inbox.record('msg_1');
    expect(inbox.seen('msg_1')).toBe(true);
    expect(createSqliteInbox(db).seen('msg_1')).toBe(true);
  });

  it('scopes ids by sender: the same webhook-id from two merchants is two messages', () => {
    const inbox = createSqliteInbox(new Database(':memory:'));
    inbox.record('msg_1', 'mer_a');
    expect(inbox.seen('msg_1', 'mer_a')).toBe(true);
    expect(inbox.seen('msg_1', 'mer_b')).toBe(false);
    expect(inbox.claim('msg_1', 'mer_b')).toBe(true);
    expect(inbox.claim('msg_1', 'mer_b')).toBe(false);
  });

  it('claim joins the caller’s transaction: rolled back, the id is not kept', () => {
    const db = new Database(':memory:');
    const inbox = createSqliteInbox(db);
    expect(() =>
      db.transaction(() => {
        expect(inbox.claim('msg_1', 'mer_a')).toBe(true);
        throw new Error('the handler failed');
      })(),
    ).toThrow('the handler failed');
    expect(inbox.seen('msg_1', 'mer_a')).toBe(false);
  });

  it('rebuilds a table from before scopes, keeping its ids; uses a migration-owned table as it is', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE webhook_inbox (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL)');
    db.prepare('INSERT INTO webhook_inbox VALUES (?, ?)').run('msg_old', 1);
    const inbox = createSqliteInbox(db);
    expect(inbox.seen('msg_old')).toBe(true);
    expect(inbox.claim('msg_old', 'mer_a')).toBe(true);

    db.exec(`CREATE TABLE inbound (merchant_id TEXT NOT NULL, webhook_id TEXT NOT NULL,
      at INTEGER NOT NULL, PRIMARY KEY (merchant_id, webhook_id))`);
    const owned = createSqliteInbox(db, {
      table: 'inbound',
      columns: { scope: 'merchant_id', id: 'webhook_id', receivedAt: 'at' },
      create: false,
    });
    expect(owned.claim('msg_1', 'mer_a')).toBe(true);
    expect(db.prepare('SELECT merchant_id, webhook_id FROM inbound').all()).toEqual([
      { merchant_id: 'mer_a', webhook_id: 'msg_1' },
    ]);
    expect(() => createSqliteInbox(db, { table: 'x', columns: { id: 'a"b' } })).toThrow(TypeError);
  });

  it('uses a custom table, prunes old ids and refuses unsafe table names', () => {
    const db = new Database(':memory:');
    const inbox = createSqliteInbox(db, 'payments_inbox');
    inbox.record('evt_1');
    db.prepare('UPDATE payments_inbox SET received_at = 0').run();
    inbox.record('evt_2');
    expect(inbox.prune(Date.now() - 60_000)).toBe(1);
    expect(inbox.seen('evt_1')).toBe(false);
    expect(inbox.seen('evt_2')).toBe(true);
    expect(() => createSqliteInbox(db, 'x"; DROP TABLE y; --')).toThrow(TypeError);
  });

  it('dedupes deliveries in the middleware across app instances sharing the database', async () => {
    const db = new Database(':memory:');
    const secret = 'whsec_' + Buffer.from('sqlite inbox secret, thirty-two!').toString('base64');
    const now = Math.floor(Date.now() / 1000);
    const body = '{"type":"shipment.created"}';
    const headers = signStandard({ id: 'msg_sql', timestampSec: now, body, secrets: secret });
    let handled = 0;
    const build = () => {
      const app = new Hono<WebhookEnv>();
      app.post(
        '/hook',
        verifyWebhook({ scheme: 'standard', secrets: secret, inbox: createSqliteInbox(db) }),
        (c) => {
          handled += 1;
          return c.json({ ok: true });
        },
      );
      return app;
    };
    expect((await build().request('/hook', { method: 'POST', body, headers })).status).toBe(200);
    const replay = await build().request('/hook', { method: 'POST', body, headers });
    expect(await replay.json()).toEqual({ duplicate: true });
    expect(handled).toBe(1);
  });
});
