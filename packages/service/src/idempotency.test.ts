import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { canonical, createIdempotencyStore, type IdempotencySqlite, idempotency } from './idempotency.ts';

// better-sqlite3 is @hooklab/db's dependency, not this package's: borrow it for the test.
const requireFromDb = createRequire(new URL('../../db/package.json', import.meta.url));
const Database = requireFromDb('better-sqlite3') as new (
  file: string,
) => IdempotencySqlite & { close(): void };

const open: { close(): void }[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function setup(opts: { ttlMs?: number } = {}) {
  const sqlite = new Database(':memory:');
  open.push(sqlite);
  const store = createIdempotencyStore(sqlite);
  const clock = { t: 1_000_000, now: () => clock.t };
  const holds = new Map<string, { reached: () => void; release: Promise<void> }>();
  let runs = 0;
  const app = new Hono();
  app.use(
    '/v1/*',
    idempotency({
      store,
      clock,
      ttlMs: opts.ttlMs,
      scope: (c) => c.req.header('x-account') ?? null,
      onConflict: (c, kind) =>
        c.json({ error: kind }, kind === 'mismatch' ? 422 : 409) as unknown as Response,
      beforeHandler: async (key) => {
        const hold = holds.get(key);
        if (!hold) return;
        holds.delete(key);
        hold.reached();
        await hold.release;
      },
    }),
  );
  app.post('/v1/orders', async (c) => {
    const body = (await c.req.json()) as { amount?: unknown };
    if (typeof body.amount !== 'number') return c.json({ error: 'amount must be a number' }, 400);
    if (body.amount < 0) throw new Error('boom');
    runs++;
    c.header('set-cookie', 'session=secret');
    return c.json({ id: `ord_${runs}`, amount: body.amount }, 201);
  });
  app.get('/v1/orders', (c) => c.json({ runs }));
  const post = (key: string | null, body: unknown, account = 'acct_1') =>
    app.request('/v1/orders', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-account': account,
        ...(key === null ? {} : { 'idempotency-key': key }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** Makes the next request with `key` wait in the middleware; `reached` resolves once it is waiting. */
  const hold = (key: string) => {
    const reached = deferred();
    const release = deferred();
    holds.set(key, { reached: reached.resolve, release: release.promise });
    return { reached: reached.promise, release: release.resolve };
  };
  return { sqlite, store, clock, app, post, hold, runs: () => runs };
}

describe('canonical', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonical({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(canonical({ a: 1, b: 2 })).toBe(canonical({ b: 2, a: 1 }));
    expect(canonical([undefined])).toBe('[null]');
  });
});

describe('idempotency middleware', () => {
  it('replays the stored response with Idempotent-Replayed, running the handler once', async () => {
    const t = setup();
    const first = await t.post('k1', { amount: 10, currency: 'eur' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same request with its keys in another order is the same request.
    const again = await t.post('k1', { currency: 'eur', amount: 10 });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/application\/json/);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.json()).toEqual(await first.json());
    expect(t.runs()).toBe(1);
  });

  it('answers onConflict("mismatch") for the same key with another body', async () => {
    const t = setup();
    expect((await t.post('k2', { amount: 10 })).status).toBe(201);
    const other = await t.post('k2', { amount: 11 });
    expect(other.status).toBe(422);
    expect(await other.json()).toEqual({ error: 'mismatch' });
    expect(t.runs()).toBe(1);
  });

  it('two identical requests at once: the second gets onConflict("in_flight"), then replays once done', async () => {
    const t = setup();
    const h = t.hold('k3');
    const first = t.post('k3', { amount: 10 });
    await h.reached;
    const second = await t.post('k3', { amount: 10 });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ error: 'in_flight' });
    h.release();
    expect((await first).status).toBe(201);
    const third = await t.post('k3', { amount: 10 });
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(t.runs()).toBe(1);
  });

  it('keys are scoped: another account may use the same key', async () => {
    const t = setup();
    const a = await (await t.post('shared', { amount: 10 }, 'acct_1')).json();
    const b = await (await t.post('shared', { amount: 10 }, 'acct_2')).json();
    expect(b.id).not.toBe(a.id);
  });

  it('keeps a response for the TTL only; purge drops what is over', async () => {
    const t = setup({ ttlMs: 60_000 });
    await t.post('k4', { amount: 10 });
    t.clock.t += 59_999;
    expect((await t.post('k4', { amount: 10 })).headers.get('idempotent-replayed')).toBe('true');
    t.clock.t += 1;
    const fresh = await t.post('k4', { amount: 12 });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(t.runs()).toBe(2);
    expect(t.store.purge(t.clock.t + 59_999)).toBe(0);
    expect(t.store.purge(t.clock.t + 60_000)).toBe(1);
    expect(t.store.get('acct_1', 'k4')).toBeNull();
  });

  it('does not keep a rejected or failed request: the key can be used again', async () => {
    const t = setup();
    expect((await t.post('k5', { amount: 'x' })).status).toBe(400);
    expect((await t.post('k5', { amount: -1 })).status).toBe(500);
    expect(t.store.get('acct_1', 'k5')).toBeNull();
    expect((await t.post('k5', { amount: 10 })).status).toBe(201);
    expect(t.runs()).toBe(1);
  });

  it('takes over a key left in flight past abandonAfterMs; the stale request cannot overwrite it', async () => {
    const t = setup();
    const h = t.hold('k6');
    const stuck = t.post('k6', { amount: 10 });
    await h.reached;
    expect((await t.post('k6', { amount: 10 })).status).toBe(409);
    t.clock.t += 60_000;
    const successor = await t.post('k6', { amount: 10 });
    expect(successor.status).toBe(201);
    const stored = await successor.json();
    // The stuck one finishes late: its claim was taken over, so the successor's response stays.
    h.release();
    expect((await stuck).status).toBe(201);
    const replay = await t.post('k6', { amount: 10 });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(stored);
  });

  it('refuses a malformed key with a 400 problem+json; ignores GETs and requests without a scope', async () => {
    const t = setup();
    const bad = await t.post('x'.repeat(256), { amount: 10 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await bad.json()).toMatchObject({ code: 'invalid_idempotency_key', param: 'Idempotency-Key' });
    const get = await t.app.request('/v1/orders', { headers: { 'idempotency-key': 'k7', 'x-account': 'a' } });
    expect(get.status).toBe(200);
    const unscoped = () =>
      t.app.request('/v1/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k8' },
        body: '{"amount":1}',
      });
    await unscoped();
    await unscoped();
    expect(t.runs()).toBe(2);
  });

  it('fingerprints form bodies by value and creates its table under the name given', async () => {
    const sqlite = new Database(':memory:');
    open.push(sqlite);
    const store = createIdempotencyStore(sqlite, { table: 'my_keys' });
    let runs = 0;
    const app = new Hono();
    app.use(
      idempotency({
        store,
        scope: () => 'acct',
        onConflict: (_c, kind) => new Response(kind, { status: 409 }),
      }),
    );
    app.post('/charges', async (c) => {
      runs++;
      return c.json({ n: runs, body: await c.req.parseBody() });
    });
    const send = (body: string) =>
      app.request('/charges', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'f1' },
        body,
      });
    expect(await (await send('amount=1&currency=eur')).json()).toEqual({
      n: 1,
      body: { amount: '1', currency: 'eur' },
    });
    expect((await send('currency=eur&amount=1')).headers.get('idempotent-replayed')).toBe('true');
    expect(await (await send('currency=usd&amount=1')).text()).toBe('mismatch');
    expect(() => createIdempotencyStore(sqlite, { table: 'x; DROP TABLE y' })).toThrow(TypeError);
  });
});
