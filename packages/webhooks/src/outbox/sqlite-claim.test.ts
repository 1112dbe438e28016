// A claim on SQLite takes what never changes after insert from its own enqueues and reads everything else
// back: whoever enqueued the message, whatever its id, first claim or retry, the claimed message is whole.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteOutbox } from './sqlite-store.ts';
import type { ClaimRequest, NewMessage, OutboxMessage } from './types.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function twoConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-claim-'));
  dirs.push(dir);
  const open = () => {
    const db = new Database(join(dir, 'outbox.db'));
    db.pragma('journal_mode = WAL');
    return db;
  };
  const a = open();
  const b = open();
  const opts = { checkpoints: 'inline' as const };
  return { a, b, storeA: createSqliteOutbox(a, opts), storeB: createSqliteOutbox(b, opts) };
}

const message = (n: number, over: Partial<NewMessage> = {}): NewMessage => ({
  endpointId: `ep_${n}`,
  url: `https://hooks.example/${n}?k=v`,
  eventType: 'websub.content',
  eventId: `pub_${n}`,
  body: JSON.stringify({ n, pad: 'x'.repeat(n * 10) }),
  headers: {
    'content-type': 'application/json',
    link: `<https://hub.example/>; rel="hub", <t${n}>; rel="self"`,
  },
  signing: { scheme: 'hub-sha256', secrets: [`secret-${n}`] },
  profile: 'standard',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  ...over,
});

const request = (now: number): ClaimRequest => ({
  now,
  limit: 10,
  owner: 'wrk_a',
  leaseMs: 30_000,
  endpointSlots: new Map(),
  perEndpointLimit: 16,
});

/** What a claim must hand over, whichever way it was read. */
const whole = (m: OutboxMessage) => ({
  id: m.id,
  endpointId: m.endpointId,
  url: m.url,
  eventType: m.eventType,
  eventId: m.eventId,
  body: m.body,
  headers: m.headers,
  signing: m.signing,
  profile: m.profile,
  traceparent: m.traceparent,
  createdAt: m.createdAt,
});

describe('claiming on SQLite', () => {
  it('hands over whole messages: enqueued here, by another connection, or with an id of the caller’s', async () => {
    const { a, b, storeA, storeB } = twoConnections();
    const mine = a.transaction(() => storeA.enqueue(a, message(1)))();
    const named = a.transaction(() => storeA.enqueue(a, message(2, { id: 'msg_named_by_the_caller' })))();
    const theirs = b.transaction(() => storeB.enqueue(b, message(3)))();
    const rolledBack = message(4);
    expect(() =>
      a.transaction(() => {
        storeA.enqueue(a, rolledBack);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');

    const { messages } = await storeA.claim(request(Date.now() + 1000));
    expect(messages.map((m) => m.id)).toEqual([mine.id, named.id, theirs.id]);
    for (const [claimed, enqueued] of messages.map((m, i) => [m, [mine, named, theirs][i]!] as const)) {
      expect(whole(claimed)).toEqual(whole(enqueued));
      expect(claimed).toMatchObject({ status: 'in_flight', attempts: 1, lockOwner: 'wrk_a', cycleStart: 0 });
    }
    a.close();
    b.close();
  });

  it('reads a retried message back whole, with the state its first attempt left', async () => {
    const { a, b, storeA } = twoConnections();
    const enqueued = a.transaction(() => storeA.enqueue(a, message(5)))();
    const now = Date.now() + 1000;
    const [first] = (await storeA.claim(request(now))).messages;
    expect(whole(first!)).toEqual(whole(enqueued));
    await storeA.complete([
      {
        id: first!.id,
        owner: 'wrk_a',
        status: 'pending',
        nextAttemptAt: now + 10,
        attempt: {
          messageId: first!.id,
          attemptNo: 1,
          startedAt: now,
          durationMs: 3,
          statusCode: 503,
          ok: false,
          failureKind: 'http',
          responseExcerpt: 'busy',
          responseHeaders: {},
        },
      },
    ]);
    const [retry] = (await storeA.claim(request(now + 20))).messages;
    expect(whole(retry!)).toEqual(whole(enqueued));
    expect(retry).toMatchObject({
      attempts: 2,
      lastStatusCode: 503,
      lastFailureKind: 'http',
      lastAttemptAt: now,
    });
    a.close();
    b.close();
  });
});
