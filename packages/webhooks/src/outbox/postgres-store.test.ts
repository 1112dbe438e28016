import postgres from 'postgres';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createManualClock } from './clock.ts';
import { createDispatcher } from './dispatcher.ts';
import { OutboxInputError } from './errors.ts';
import { createPostgresOutbox } from './postgres-store.ts';
import { postgresSuite } from './postgres-test-env.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';
import type { NewMessage } from './types.ts';

const waitFor = <T>(fn: () => T | Promise<T>, timeout = 10_000) => vi.waitFor(fn, { timeout, interval: 10 });

postgresSuite('PostgreSQL outbox', (url) => {
  let sql: postgres.Sql;
  let receiver: TestReceiver;
  const schemas: string[] = [];
  let n = 0;
  // Each test gets its own schema, so files and tests can run in parallel on one server.
  const freshSchema = () => {
    const schema = `t_${process.pid}_${Date.now()}_${++n}`;
    schemas.push(schema);
    return schema;
  };
  const message = (path: string, over: Partial<NewMessage> = {}): NewMessage => ({
    endpointId: 'ep_1',
    url: receiver.url + path,
    eventType: 'order.paid',
    eventId: `evt_${Math.random().toString(36).slice(2)}`,
    body: '{"ok":true}',
    ...over,
  });

  beforeAll(async () => {
    sql = postgres(url, { max: 10, onnotice: () => {} });
    receiver = await startTestReceiver();
  });
  afterAll(async () => {
    for (const schema of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
    await receiver.close();
  });

  it('enqueues inside the caller transaction, delivers, and records the attempt', async () => {
    const store = createPostgresOutbox(sql, { schema: freshSchema() });
    const dispatcher = createDispatcher({ store, pollMs: 60_000 });
    await dispatcher.start();
    try {
      await expect(
        sql.begin(async (tx) => {
          await store.enqueue(tx, message('/pg-rolled-back'));
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      const msg = await sql.begin((tx) => store.enqueue(tx, message('/pg-1', { profile: 'stripe' })));
      await waitFor(async () => expect((await store.getMessage(msg.id))?.status).toBe('delivered'));
      const stored = await store.getMessage(msg.id);
      expect(stored?.attemptLog).toMatchObject([{ attemptNo: 1, ok: true, statusCode: 200 }]);
      expect(stored?.profile).toBe('stripe');
      expect(await store.stats()).toMatchObject({ delivered: 1, pending: 0, attempts: 1 });
      expect((await store.listMessages({ status: 'delivered' })).map((m) => m.id)).toEqual([msg.id]);
      expect(receiver.requests.filter((r) => r.path === '/pg-rolled-back')).toHaveLength(0);
      expect(await dispatcher.replay(msg.id)).toBe(true);
      // Wait for the replay's outcome to be committed, so exactly one finished message is there to replay.
      await waitFor(async () => {
        const m = await store.getMessage(msg.id);
        expect(m?.status).toBe('delivered');
        expect(m?.attemptLog).toHaveLength(2);
      });
      expect(await dispatcher.replaySince(0)).toBe(0); // by default only what never arrived
      expect(await dispatcher.replaySince(0, { includeDelivered: true })).toBe(1);
      await waitFor(() => expect(receiver.requests.filter((r) => r.path === '/pg-1')).toHaveLength(3));
    } finally {
      await dispatcher.stop();
    }
  });

  it('retries on the schedule and dead-letters, on the manual clock', async () => {
    const clock = createManualClock();
    const store = createPostgresOutbox(sql, { schema: freshSchema(), clock });
    const dispatcher = createDispatcher({ store, clock, random: () => 0.5 });
    receiver.setHandler((req) => (req.path === '/pg-fail' ? { status: 500 } : { status: 200 }));
    await dispatcher.start();
    try {
      const msg = await sql.begin((tx) => store.enqueue(tx, message('/pg-fail', { profile: 'slack' })));
      const at = (attempts: number) =>
        waitFor(async () => {
          const m = await store.getMessage(msg.id);
          expect(m?.attempts).toBe(attempts);
          expect(m?.status).not.toBe('in_flight');
          return m!;
        });
      await at(2);
      clock.advance(1000);
      await at(3);
      clock.advance(5000);
      expect((await at(4)).status).toBe('dead');
    } finally {
      receiver.setHandler(() => ({ status: 200 }));
      await dispatcher.stop();
    }
  });

  it('takes back a claim whose lease ran out', async () => {
    const clock = createManualClock();
    const store = createPostgresOutbox(sql, { schema: freshSchema(), clock });
    const msg = await sql.begin((tx) => store.enqueue(tx, message('/pg-lease')));
    const claim = { limit: 5, leaseMs: 5000, endpointSlots: new Map(), perEndpointLimit: 16 };
    expect((await store.claim({ ...claim, now: clock.now(), owner: 'wrk_dead' })).messages).toHaveLength(1);
    expect((await store.claim({ ...claim, now: clock.now() + 4999, owner: 'wrk_b' })).messages).toHaveLength(
      0,
    );
    const again = await store.claim({ ...claim, now: clock.now() + 5000, owner: 'wrk_b' });
    expect(again.messages.map((m) => m.id)).toEqual([msg.id]);
    expect(again.messages[0]?.lockOwner).toBe('wrk_b');
  });

  it('counts an attempt at claim time: a redelivery after a crash carries the next number', async () => {
    const clock = createManualClock();
    const store = createPostgresOutbox(sql, { schema: freshSchema(), clock });
    const msg = await sql.begin((tx) => store.enqueue(tx, message('/pg-crash')));
    const claim = { limit: 5, leaseMs: 5000, endpointSlots: new Map(), perEndpointLimit: 16 };
    const [claimed] = (await store.claim({ ...claim, now: clock.now(), owner: 'wrk_dead' })).messages;
    expect(claimed?.attempts).toBe(1);
    clock.advance(5000);
    const dispatcher = createDispatcher({ store, clock, random: () => 0.5 });
    await dispatcher.start();
    try {
      await waitFor(async () => expect((await store.getMessage(msg.id))?.status).toBe('delivered'));
      const sent = receiver.requests.filter((r) => r.path === '/pg-crash');
      expect(sent.map((r) => r.headers['x-hooklab-attempt'])).toEqual(['2']);
      expect((await store.getMessage(msg.id))?.attemptLog).toMatchObject([{ attemptNo: 2, ok: true }]);
      // Handed back unsent (a graceful stop), a claim gives its number back.
      const other = await sql.begin((tx) => store.enqueue(tx, message('/pg-crash', { endpointId: 'ep_2' })));
      await waitFor(async () => expect((await store.getMessage(other.id))?.status).toBe('delivered'));
      await dispatcher.stop();
      expect(await store.replay(other.id, clock.now())).toBe(true);
      await store.claim({ ...claim, now: clock.now(), owner: 'wrk_x' });
      expect((await store.getMessage(other.id))?.attempts).toBe(2);
      await store.release([other.id], 'wrk_x', clock.now());
      expect((await store.getMessage(other.id))?.attempts).toBe(1);
    } finally {
      await dispatcher.stop();
    }
  });

  it('keeps a disabled endpoint’s messages as failed and replays only undelivered ones by default', async () => {
    const clock = createManualClock();
    const store = createPostgresOutbox(sql, { schema: freshSchema(), clock });
    const a = await sql.begin((tx) => store.enqueue(tx, message('/pg-off', { endpointId: 'ep_off' })));
    const b = await sql.begin((tx) => store.enqueue(tx, message('/pg-off', { endpointId: 'ep_off' })));
    const c = await sql.begin((tx) => store.enqueue(tx, message('/pg-on', { endpointId: 'ep_on' })));
    expect(await store.failPending('ep_off')).toBe(2);
    expect((await store.getMessage(a.id))?.status).toBe('failed');
    expect(await store.stats()).toMatchObject({ failed: 2, pending: 1 });
    expect(await store.replaySince(0, clock.now(), { endpointId: 'ep_off' })).toBe(2);
    expect((await store.getMessage(b.id))?.status).toBe('pending');
    expect((await store.getMessage(c.id))?.status).toBe('pending');
    await expect(store.replaySince(0, clock.now(), { endpointId: '' })).rejects.toThrow(OutboxInputError);
  });

  it('merges endpoint health like mergeEndpointHealth: latest success wins', async () => {
    const store = createPostgresOutbox(sql, { schema: freshSchema() });
    const row = (
      endpointId: string,
      failingSince: number | null,
      lastFailureAt: number | null,
      lastSuccessAt: number | null,
    ) => ({
      endpointId,
      failingSince,
      lastFailureAt,
      lastSuccessAt,
    });
    await store.saveEndpointHealth([row('ep_a', 100, 400, 50), row('ep_b', null, null, 10)]);
    await store.saveEndpointHealth([row('ep_a', 300, 350, 200), row('ep_b', 20, 30, null)]);
    expect(await store.loadEndpointHealth(['ep_a', 'ep_b', 'ep_none'])).toEqual(
      expect.arrayContaining([row('ep_a', 300, 400, 200), row('ep_b', 20, 30, 10)]),
    );
    await store.saveEndpointHealth([row('ep_a', null, null, 500)]);
    expect(await store.loadEndpointHealth(['ep_a'])).toEqual([row('ep_a', null, 400, 500)]);
    await store.clearEndpointHealth('ep_a');
    expect(await store.loadEndpointHealth(['ep_a'])).toEqual([]);
  });

  it('three workers sharing one outbox deliver each of 3,000 messages exactly once', {
    timeout: 60_000,
  }, async () => {
    const schema = freshSchema();
    const clients = [0, 1, 2].map(() => postgres(url, { max: 4, onnotice: () => {} }));
    const stores = clients.map((c) => createPostgresOutbox(c, { schema }));
    await Promise.all(stores.map((s) => s.ready));
    const workers = stores.map((store) =>
      createDispatcher({ store, concurrency: 32, batchSize: 16, pollMs: 100 }),
    );
    const byEvent = new Map<string, number>();
    const byWorker = new Map<string, number>();
    receiver.setHandler((req) => {
      if (req.path === '/pg-shared') {
        const id = String(req.headers['x-hooklab-event-id']);
        byEvent.set(id, (byEvent.get(id) ?? 0) + 1);
      }
      return { status: 200 };
    });
    try {
      await Promise.all(workers.map((w) => w.start()));
      const total = 3000;
      for (let i = 0; i < total; i += 100) {
        await sql.begin((tx) =>
          stores[0]!.enqueueMany(
            tx,
            Array.from({ length: 100 }, (_, k) =>
              message('/pg-shared', { endpointId: `ep_${(i + k) % 7}`, eventId: `evt_${i + k}` }),
            ),
          ),
        );
      }
      await waitFor(async () => expect((await stores[0]!.stats()).delivered).toBe(total), 40_000);
      expect(byEvent.size).toBe(total);
      expect([...byEvent.values()].filter((count) => count !== 1)).toEqual([]);
      for (const w of workers) byWorker.set(w.workerId, w.stats().delivered);
      expect([...byWorker.values()].reduce((a, b) => a + b, 0)).toBe(total);
      expect([...byWorker.values()].filter((d) => d > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      receiver.setHandler(() => ({ status: 200 }));
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('refuses malformed input with OutboxInputError', async () => {
    expect(() => createPostgresOutbox({} as never)).toThrow(OutboxInputError);
    expect(() => createPostgresOutbox(sql, { schema: 'Robert"; DROP' })).toThrow(OutboxInputError);
    const store = createPostgresOutbox(sql, { schema: freshSchema() });
    await expect(store.enqueue(null as never, message('/x'))).rejects.toThrow(OutboxInputError);
    await expect(sql.begin((tx) => store.enqueue(tx, { ...message('/x'), url: 'nope' }))).rejects.toThrow(
      OutboxInputError,
    );
    await expect(store.replaySince('soon' as never, 0)).rejects.toThrow(OutboxInputError);
  });
});
