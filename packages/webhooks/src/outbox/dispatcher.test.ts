import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyStandard } from '../signing/index.ts';
import { createManualClock, type ManualClock } from './clock.ts';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { OutboxInputError } from './errors.ts';
import { createSqliteOutbox } from './sqlite-store.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';
import type { NewMessage } from './types.ts';

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(() => receiver.close());

const running: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop({ drainMs: 0 })));
  receiver.setHandler(() => ({ status: 200 }));
});

let seq = 0;
function setup(opts: Partial<DispatcherOptions> & { clock?: ManualClock } = {}) {
  const db = new Database(':memory:');
  const clock = opts.clock ?? createManualClock();
  const store = createSqliteOutbox(db, { clock });
  // random 0.5 is the middle of the jitter band: the exact schedule.
  const dispatcher = createDispatcher({ store, clock, random: () => 0.5, timeoutMs: 2000, ...opts });
  running.push(dispatcher);
  const path = `/hook-${++seq}`;
  const message = (over: Partial<NewMessage> = {}): NewMessage => ({
    endpointId: `ep_${seq}`,
    url: receiver.url + path,
    eventType: 'order.paid',
    eventId: `evt_${Math.random().toString(36).slice(2)}`,
    body: JSON.stringify({ hello: 'world' }),
    ...over,
  });
  const enqueue = (over: Partial<NewMessage> = {}) =>
    db.transaction(() => store.enqueue(db, message(over)))();
  const hits = () => receiver.requests.filter((r) => r.path === path);
  return { db, clock, store, dispatcher, path, message, enqueue, hits };
}

const waitFor = <T>(fn: () => T | Promise<T>, timeout = 5000) => vi.waitFor(fn, { timeout, interval: 5 });

describe('dispatcher on SQLite', () => {
  it('delivers a signed message with the standard headers and records the attempt', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const t = setup();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const msg = t.enqueue({
      signing: { scheme: 'standard', secrets: [secret] },
      traceparent,
      headers: { 'x-shop': 'atelier' },
    });
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
    const [req] = t.hits();
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['user-agent']).toBe('Hooklab-Webhooks/1.0');
    // The message's trace, under a span of the attempt's own (a retry would send another).
    expect(req?.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(req?.headers.traceparent).not.toBe(traceparent);
    expect(req?.headers['x-shop']).toBe('atelier');
    expect(req?.headers['x-hooklab-event-id']).toBe(msg.eventId);
    expect(req?.headers['webhook-id']).toBe(msg.id);
    expect(() =>
      verifyStandard({
        body: req!.body,
        headers: req!.headers as Record<string, string>,
        secrets: [secret],
        now: new Date(t.clock.now()),
      }),
    ).not.toThrow();
    const stored = await t.store.getMessage(msg.id);
    expect(stored?.attempts).toBe(1);
    expect(stored?.attemptLog).toMatchObject([
      { attemptNo: 1, ok: true, statusCode: 200, failureKind: null },
    ]);
    expect(await t.store.stats()).toMatchObject({ delivered: 1, pending: 0, attempts: 1 });
  });

  it('wakes at once on enqueue, with no poll on the hot path', async () => {
    const t = setup({ pollMs: 60_000 });
    await t.dispatcher.start();
    // Idle: its first pass found nothing and armed the fallback poll, which the manual clock never fires.
    await waitFor(() => expect(t.clock.pendingTimers()).toBe(1));
    const polledAt = t.clock.now();
    t.enqueue();
    await waitFor(() => expect(t.hits()).toHaveLength(1));
    expect(t.clock.now()).toBe(polledAt);
  });

  it('sends nothing for a message whose transaction rolled back', async () => {
    const t = setup();
    await t.dispatcher.start();
    expect(() =>
      t.db.transaction(() => {
        t.store.enqueue(t.db, t.message({ eventId: 'evt_rolled_back' }));
        throw new Error('business rule failed');
      })(),
    ).toThrow('business rule failed');
    // The witness commits after the rollback: once it has arrived, the rolled-back one had every chance to.
    const witness = t.enqueue({ eventId: 'evt_witness' });
    await waitFor(async () => expect((await t.store.getMessage(witness.id))?.status).toBe('delivered'));
    expect(t.hits().map((r) => r.headers['x-hooklab-event-id'])).toEqual(['evt_witness']);
    expect(await t.store.listMessages()).toHaveLength(1);
  });

  it('runs the whole Slack-like schedule (0 s, 1 min, 5 min compressed) on the manual clock, then dead-letters', async () => {
    const t = setup();
    receiver.setHandler((req) =>
      req.path.endsWith('-witness') ? { status: 200 } : { status: 500, body: 'nope' },
    );
    const msg = t.enqueue({ profile: 'slack' });
    const t0 = t.clock.now();
    // Due 1 ms before the retry: once it is delivered, the clock has been seen at t0 + 999.
    const witness = t.enqueue({
      endpointId: 'ep_witness',
      url: `${receiver.url}${t.path}-witness`,
      nextAttemptAt: t0 + 999,
    });
    await t.dispatcher.start();
    const atAttempts = (n: number) =>
      waitFor(async () => {
        const m = await t.store.getMessage(msg.id);
        expect(m?.attempts).toBe(n);
        expect(m?.status).not.toBe('in_flight');
        return m!;
      });
    // Retry 1 of the Slack profile is immediate, so two attempts happen without moving the clock.
    let m = await atAttempts(2);
    expect(m.nextAttemptAt).toBe(t0 + 1000);
    t.clock.advance(999);
    await waitFor(async () => expect((await t.store.getMessage(witness.id))?.status).toBe('delivered'));
    expect(t.hits()).toHaveLength(2);
    t.clock.advance(1);
    m = await atAttempts(3);
    expect(m.nextAttemptAt).toBe(t0 + 1000 + 5000);
    t.clock.advance(5000);
    m = await atAttempts(4);
    expect(m.status).toBe('dead');
    expect(m.lastFailureKind).toBe('http');
    expect(m.attemptLog.map((a) => a.startedAt - t0)).toEqual([0, 0, 1000, 6000]);
    expect(m.attemptLog.every((a) => a.statusCode === 500 && a.responseExcerpt === 'nope')).toBe(true);
    expect(t.dispatcher.stats()).toMatchObject({ attempts: 5, retried: 3, dead: 1, delivered: 1 });
  });

  it('runs the real Stripe-like schedule (~3 days) in milliseconds', async () => {
    const t = setup({ retrySchedule: 'real' });
    receiver.setHandler(() => ({ status: 503 }));
    const msg = t.enqueue({ profile: 'stripe' });
    await t.dispatcher.start();
    for (let attempt = 1; attempt <= 12; attempt++) {
      const m = await waitFor(async () => {
        const got = await t.store.getMessage(msg.id);
        expect(got?.attempts).toBe(attempt);
        expect(got?.status).not.toBe('in_flight');
        return got!;
      });
      if (m.status === 'dead') break;
      t.clock.set(m.nextAttemptAt);
    }
    const m = (await t.store.getMessage(msg.id))!;
    expect(m.status).toBe('dead');
    expect(m.attempts).toBe(12);
    const span = m.attemptLog.at(-1)!.startedAt - m.attemptLog[0]!.startedAt;
    expect(span / 3600_000).toBeGreaterThan(70);
    expect(span / 3600_000).toBeLessThan(74);
  });

  it('jitters within ±10 % of each delay, never down to an immediate retry', async () => {
    const t = setup({ random: () => 0 });
    receiver.setHandler(() => ({ status: 500 }));
    const msg = t.enqueue({ profile: 'standard' });
    const t0 = t.clock.now();
    await t.dispatcher.start();
    const m = await waitFor(async () => {
      const got = await t.store.getMessage(msg.id);
      expect(got?.status).toBe('pending');
      expect(got?.attempts).toBe(1);
      return got!;
    });
    // The lowest draw: 90 % of the local schedule's first delay (1 s), not 0.
    expect(m.nextAttemptAt - t0).toBe(900);
  });

  it('honours Retry-After in seconds and as an HTTP date, capped', async () => {
    const t = setup();
    let answer = 0;
    receiver.setHandler(() => {
      answer++;
      if (answer === 1) return { status: 429, headers: { 'retry-after': '30' } };
      if (answer === 2) {
        return { status: 503, headers: { 'retry-after': new Date(t.clock.now() + 45_000).toUTCString() } };
      }
      if (answer === 3) return { status: 503, headers: { 'retry-after': '86400' } };
      return { status: 200 };
    });
    const msg = t.enqueue({ profile: 'standard' });
    await t.dispatcher.start();
    const next = async (n: number) =>
      waitFor(async () => {
        const m = await t.store.getMessage(msg.id);
        expect(m?.attempts).toBe(n);
        expect(m?.status).toBe('pending');
        return m!.nextAttemptAt - t.clock.now();
      });
    expect(await next(1)).toBe(30_000);
    t.clock.advance(30_000);
    const second = await next(2);
    expect(second).toBeGreaterThan(43_000);
    expect(second).toBeLessThanOrEqual(45_000);
    t.clock.advance(second);
    expect(await next(3)).toBe(60_000); // local mode caps Retry-After at one minute
    t.clock.advance(60_000);
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
  });

  it('standard profile: 410 is final, dead at once and onEndpointGone', async () => {
    const gone: string[] = [];
    const t = setup({ onEndpointGone: (id) => gone.push(id) });
    receiver.setHandler(() => ({ status: 410 }));
    const msg = t.enqueue({ profile: 'standard' });
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('dead'));
    expect((await t.store.getMessage(msg.id))?.attemptLog[0]).toMatchObject({
      statusCode: 410,
      failureKind: 'gone',
    });
    expect(gone).toEqual([msg.endpointId]);
  });

  it('stripe profile: 410 is retried like any failure, and the endpoint is not reported gone', async () => {
    const gone: string[] = [];
    const t = setup({ onEndpointGone: (id) => gone.push(id) });
    let answers = 0;
    receiver.setHandler(() => ({ status: ++answers === 1 ? 410 : 200 }));
    const msg = t.enqueue({ profile: 'stripe' });
    await t.dispatcher.start();
    const m = await waitFor(async () => {
      const got = await t.store.getMessage(msg.id);
      expect(got).toMatchObject({ status: 'pending', attempts: 1, lastFailureKind: 'gone' });
      return got!;
    });
    t.clock.set(m.nextAttemptAt);
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
    expect(gone).toEqual([]);
  });

  it('replays one message and, with includeDelivered, everything since a time', async () => {
    const t = setup();
    const a = t.enqueue();
    const b = t.enqueue();
    await t.dispatcher.start();
    await waitFor(() => expect(t.hits()).toHaveLength(2));
    await waitFor(async () => expect((await t.store.stats()).delivered).toBe(2));
    expect(await t.dispatcher.replay(a.id)).toBe(true);
    await waitFor(() => expect(t.hits()).toHaveLength(3));
    await waitFor(async () => expect((await t.store.getMessage(a.id))?.status).toBe('delivered'));
    expect((await t.store.getMessage(a.id))?.attempts).toBe(2);
    expect(await t.dispatcher.replay('msg_missing')).toBe(false);

    t.clock.advance(60_000);
    const c = t.enqueue({ endpointId: 'ep_other' });
    await waitFor(async () => expect((await t.store.getMessage(c.id))?.status).toBe('delivered'));
    const recent = new Date(t.clock.now() - 1000);
    expect(await t.dispatcher.replaySince(recent, { includeDelivered: true })).toBe(1);
    await waitFor(() => expect(t.hits()).toHaveLength(5));
    await waitFor(async () => expect((await t.store.stats()).pending).toBe(0));
    expect(await t.dispatcher.replaySince(0, { endpointId: b.endpointId, includeDelivered: true })).toBe(2);
    await waitFor(() => expect(t.hits()).toHaveLength(7));
  });

  it('replaySince replays only what never arrived unless told to include delivered messages', async () => {
    const t = setup({ resolveEndpoint: (id) => endpoints.get(id) ?? null });
    const endpoints = new Map([
      ['ep_ok', { url: `${receiver.url}${t.path}`, secrets: [], scheme: 'none' as const, enabled: true }],
      ['ep_off', { url: `${receiver.url}${t.path}`, secrets: [], scheme: 'none' as const, enabled: false }],
    ]);
    receiver.setHandler((req) => ({ status: req.headers['x-hooklab-event-id'] === 'evt_dead' ? 500 : 200 }));
    const delivered = t.enqueue({ endpointId: 'ep_ok', eventId: 'evt_ok' });
    const dead = t.enqueue({ endpointId: 'ep_ok', eventId: 'evt_dead', profile: 'slack' });
    const failed = t.enqueue({ endpointId: 'ep_off', eventId: 'evt_off' });
    await t.dispatcher.start();
    // Slack's schedule (0 s, 1 s, 5 s locally) runs out: four attempts, then dead.
    for (const attempts of [2, 3]) {
      const m = await waitFor(async () => {
        const got = await t.store.getMessage(dead.id);
        expect(got).toMatchObject({ status: 'pending', attempts });
        return got!;
      });
      t.clock.set(m.nextAttemptAt);
    }
    await waitFor(async () => {
      expect((await t.store.getMessage(delivered.id))?.status).toBe('delivered');
      expect((await t.store.getMessage(dead.id))?.status).toBe('dead');
      expect((await t.store.getMessage(failed.id))?.status).toBe('failed');
    });
    await t.dispatcher.stop({ drainMs: 0 });
    expect(await t.dispatcher.replaySince(0)).toBe(2);
    expect((await t.store.getMessage(delivered.id))?.status).toBe('delivered');
    expect((await t.store.listMessages({ status: 'pending' })).map((m) => m.id).sort()).toEqual(
      [dead.id, failed.id].sort(),
    );
    await expect(t.dispatcher.replaySince(0, { surprise: true } as never)).rejects.toThrow(OutboxInputError);
  });

  it('keeps per-endpoint and total concurrency within bounds, as seen by the receiver', async () => {
    const t = setup({ concurrency: 15, perEndpointConcurrency: 3 });
    receiver.setHandler(async () => {
      await new Promise((r) => setTimeout(r, 15));
      return { status: 200 };
    });
    const paths = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((p) => `${t.path}-${p}`);
    t.db.transaction(() => {
      for (let i = 0; i < 140; i++) {
        const path = paths[i % paths.length]!;
        t.store.enqueue(t.db, t.message({ endpointId: path, url: receiver.url + path }));
      }
    })();
    receiver.maxConcurrentTotal = 0;
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.stats()).delivered).toBe(140), 10_000);
    const perPath = paths.map((p) => receiver.maxConcurrent.get(p) ?? 0);
    expect(Math.max(...perPath)).toBe(3);
    expect(receiver.maxConcurrentTotal).toBeLessThanOrEqual(15);
    expect(receiver.maxConcurrentTotal).toBeGreaterThan(3);
  });

  it('classifies a timeout, a refused connection and a redirect (never followed)', async () => {
    const t = setup({ timeoutMs: 150 });
    let redirectedHits = 0;
    receiver.setHandler((req, res) => {
      if (req.path.endsWith('/slow')) return; // never answers
      if (req.path.endsWith('/moved'))
        return { status: 302, headers: { location: `${receiver.url}/target` } };
      if (req.path === '/target') redirectedHits++;
      res.writeHead(200).end();
    });
    const slow = t.enqueue({ url: `${receiver.url}${t.path}/slow` });
    const refused = t.enqueue({ url: 'http://127.0.0.1:1/refused', endpointId: 'ep_refused' });
    const moved = t.enqueue({ url: `${receiver.url}${t.path}/moved`, endpointId: 'ep_moved' });
    await t.dispatcher.start();
    const firstAttempt = (id: string) =>
      waitFor(async () => {
        const m = await t.store.getMessage(id);
        expect(m?.attemptLog).toHaveLength(1);
        return m!.attemptLog[0]!;
      });
    expect(await firstAttempt(slow.id)).toMatchObject({ failureKind: 'timeout', statusCode: null });
    expect(await firstAttempt(refused.id)).toMatchObject({ failureKind: 'connection', statusCode: null });
    const redirect = await firstAttempt(moved.id);
    expect(redirect).toMatchObject({ failureKind: 'http', statusCode: 302, ok: false });
    expect(redirect.responseHeaders.location).toBe(`${receiver.url}/target`);
    expect(redirectedHits).toBe(0);
  });

  it('keeps at most 4 KB of a response body', async () => {
    const t = setup();
    receiver.setHandler(() => ({ status: 500, body: 'x'.repeat(200_000) }));
    const msg = t.enqueue();
    await t.dispatcher.start();
    const m = await waitFor(async () => {
      const got = await t.store.getMessage(msg.id);
      expect(got?.attemptLog.length).toBeGreaterThan(0);
      return got!;
    });
    expect(m.attemptLog[0]?.responseExcerpt).toBe('x'.repeat(4096));
  });

  it('asks resolveEndpoint at send time: rotated secret used; a disabled endpoint gets nothing and its message is failed', async () => {
    let enabled = true;
    const t = setup({
      resolveEndpoint: (id) =>
        id === 'ep_deleted'
          ? null
          : { url: receiver.url + t.path, secrets: ['rotated'], scheme: 'slack', enabled },
    });
    const ok = t.enqueue({ signing: { scheme: 'slack', secrets: ['old'] } });
    const deleted = t.enqueue({ endpointId: 'ep_deleted' });
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.getMessage(ok.id))?.status).toBe('delivered'));
    await waitFor(async () => expect((await t.store.getMessage(deleted.id))?.status).toBe('canceled'));
    expect(t.hits()).toHaveLength(1);
    expect(t.hits()[0]?.headers['x-slack-signature']).toMatch(/^v0=/);
    enabled = false;
    const disabled = t.enqueue();
    await waitFor(async () => expect((await t.store.getMessage(disabled.id))?.status).toBe('failed'));
    expect(t.hits()).toHaveLength(1);
    // Nothing was sent: the attempt counted at claim time is given back.
    expect((await t.store.getMessage(disabled.id))?.attempts).toBe(0);
  });

  it('retries a DNS failure at send time, and delivers once the name resolves', async () => {
    let lookups = 0;
    const t = setup({
      ssrf: {
        check: async () =>
          ++lookups === 1
            ? { ok: false, code: 'dns_error', reason: 'could not resolve hooks.example (EAI_AGAIN)' }
            : { ok: true, addresses: ['127.0.0.1'] },
      },
    });
    const msg = t.enqueue({ profile: 'stripe' });
    await t.dispatcher.start();
    const m = await waitFor(async () => {
      const got = await t.store.getMessage(msg.id);
      expect(got).toMatchObject({ status: 'pending', attempts: 1, lastFailureKind: 'dns' });
      return got!;
    });
    t.clock.set(m.nextAttemptAt);
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
    expect(t.hits()).toHaveLength(1);
  });

  it('runs the SSRF check at send time; a refused address is final', async () => {
    const t = setup({
      ssrf: { check: async () => ({ ok: false, code: 'private', reason: 'resolves to 10.0.0.1' }) },
    });
    const msg = t.enqueue();
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('dead'));
    expect((await t.store.getMessage(msg.id))?.attemptLog[0]).toMatchObject({
      failureKind: 'ssrf',
      responseExcerpt: 'resolves to 10.0.0.1',
    });
    expect(t.hits()).toHaveLength(0);
  });

  it('takes a verdict the SSRF guard returns synchronously (one it already knew), refusal or not', async () => {
    const t = setup({
      ssrf: {
        check: (url) =>
          url.includes('refused')
            ? { ok: false, code: 'private', reason: 'resolves to 10.0.0.1' }
            : { ok: true, addresses: ['127.0.0.1'] },
      },
    });
    const ok = t.enqueue();
    const refused = t.enqueue({ url: `${receiver.url}${t.path}?refused` });
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.getMessage(ok.id))?.status).toBe('delivered'));
    await waitFor(async () => expect((await t.store.getMessage(refused.id))?.status).toBe('dead'));
    expect((await t.store.getMessage(refused.id))?.attemptLog[0]).toMatchObject({ failureKind: 'ssrf' });
    expect(t.hits()).toHaveLength(1);
  });

  it('stop() drains deliveries in flight, then stops claiming', async () => {
    const t = setup();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    receiver.setHandler(async () => {
      await answered;
      return { status: 200 };
    });
    for (let i = 0; i < 5; i++) t.enqueue();
    await t.dispatcher.start();
    await waitFor(() => expect(receiver.requests.filter((r) => r.path === t.path)).toHaveLength(5));
    const stopping = t.dispatcher.stop({ drainMs: 5000 });
    answer(); // the receiver answers only once the stop has begun
    await stopping;
    expect(await t.store.stats()).toMatchObject({ delivered: 5, inFlight: 0 });
    const stopped = t.dispatcher.stats();
    expect(stopped).toMatchObject({ running: false, claimed: 5, attempts: 5 });
    // Enqueued after the stop: a second dispatcher must deliver it, and the stopped one never claims it.
    const late = t.enqueue();
    const second = createDispatcher({ store: t.store, clock: t.clock, random: () => 0.5 });
    running.push(second);
    await second.start();
    await waitFor(async () => expect((await t.store.getMessage(late.id))?.status).toBe('delivered'));
    expect(t.hits()).toHaveLength(6);
    expect(t.dispatcher.stats()).toEqual(stopped);
    expect(second.stats()).toMatchObject({ claimed: 1, delivered: 1 });
  });

  it('stop() hands back claims it could not finish within drainMs', async () => {
    const t = setup();
    receiver.setHandler(() => undefined);
    const msg = t.enqueue();
    await t.dispatcher.start();
    await waitFor(() => expect(t.dispatcher.stats().inFlight).toBe(1));
    await t.dispatcher.stop({ drainMs: 20 });
    expect(await t.store.getMessage(msg.id)).toMatchObject({ status: 'pending', lockOwner: null });
  });

  it('takes back a claim whose lease ran out (a crashed worker)', async () => {
    const t = setup({ leaseMs: 5000 });
    const msg = t.enqueue();
    const claimed = await t.store.claim({
      now: t.clock.now(),
      limit: 10,
      owner: 'wrk_dead',
      leaseMs: 5000,
      endpointSlots: new Map(),
      perEndpointLimit: 16,
    });
    expect(claimed.messages.map((m) => m.id)).toEqual([msg.id]);
    await t.dispatcher.start();
    // Enqueued after the lease was taken: delivered while the leased message must still wait.
    const witness = t.enqueue({ endpointId: 'ep_witness', url: `${receiver.url}${t.path}-witness` });
    await waitFor(async () => expect((await t.store.getMessage(witness.id))?.status).toBe('delivered'));
    expect(t.hits()).toHaveLength(0);
    expect(await t.store.getMessage(msg.id)).toMatchObject({ status: 'in_flight', lockOwner: 'wrk_dead' });
    t.clock.advance(5000);
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
  });

  it('a redelivery after a crash carries the next attempt number, not the same one again', async () => {
    const t = setup({ leaseMs: 5000 });
    const msg = t.enqueue();
    // A worker claimed the message (and may have sent attempt 1) before it died.
    const claim = { limit: 10, leaseMs: 5000, endpointSlots: new Map(), perEndpointLimit: 16 };
    await t.store.claim({ ...claim, now: t.clock.now(), owner: 'wrk_dead' });
    expect((await t.store.getMessage(msg.id))?.attempts).toBe(1);
    await t.dispatcher.start();
    t.clock.advance(5000);
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
    expect(t.hits().map((r) => r.headers['x-hooklab-attempt'])).toEqual(['2']);
    expect((await t.store.getMessage(msg.id))?.attemptLog).toMatchObject([{ attemptNo: 2, ok: true }]);
  });

  it('a claim handed back unsent gives its attempt number back', async () => {
    const t = setup();
    const msg = t.enqueue();
    const claim = { limit: 10, leaseMs: 5000, endpointSlots: new Map(), perEndpointLimit: 16 };
    await t.store.claim({ ...claim, now: t.clock.now(), owner: 'wrk_stopping' });
    await t.store.release([msg.id], 'wrk_stopping', t.clock.now());
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.getMessage(msg.id))?.status).toBe('delivered'));
    expect(t.hits().map((r) => r.headers['x-hooklab-attempt'])).toEqual(['1']);
  });

  it('lists messages by status and endpoint, newest first, with paging', async () => {
    const t = setup();
    const ids = [0, 1, 2].map((i) => {
      t.clock.advance(1);
      return t.enqueue({ endpointId: i === 2 ? 'ep_b' : 'ep_a' }).id;
    });
    expect((await t.store.listMessages({ limit: 10 })).map((m) => m.id)).toEqual([...ids].reverse());
    expect((await t.store.listMessages({ endpointId: 'ep_a', limit: 10 })).map((m) => m.id)).toEqual([
      ids[1],
      ids[0],
    ]);
    expect(
      (await t.store.listMessages({ status: 'pending', limit: 1, before: ids[2] })).map((m) => m.id),
    ).toEqual([ids[1]]);
    expect(await t.store.listMessages({ status: 'dead' })).toEqual([]);
  });
});

describe('endpoint health on SQLite: judged by time failing', () => {
  it('a burst of 200 failures in a few milliseconds does not report the endpoint failing', async () => {
    const failing: string[] = [];
    const t = setup({ onEndpointFailing: (id) => failing.push(id) });
    receiver.setHandler(() => ({ status: 503 }));
    t.db.transaction(() => {
      for (let i = 0; i < 200; i++) t.store.enqueue(t.db, t.message({ profile: 'stripe' }));
    })();
    await t.dispatcher.start();
    await waitFor(async () => expect((await t.store.stats()).attempts).toBe(200));
    await waitFor(() => expect(t.dispatcher.stats().retried).toBe(200));
    expect(failing).toEqual([]);
  });

  it('reports it after a window of failures; its messages are kept as failed and a replay delivers them', async () => {
    const endpoint = { url: '', secrets: [], scheme: 'none' as const, enabled: true };
    const reports: { id: string; failingSince: number | null }[] = [];
    const t = setup({
      healthWindowMs: 10_000,
      resolveEndpoint: () => endpoint,
      onEndpointFailing: (id, health) => {
        reports.push({ id, failingSince: health.failingSince });
        endpoint.enabled = false; // what an app does: disable it
      },
    });
    endpoint.url = receiver.url + t.path;
    receiver.setHandler(() => ({ status: 500 }));
    const t0 = t.clock.now();
    const messages = [0, 1, 2].map(() => t.enqueue({ profile: 'stripe' }));
    await t.dispatcher.start();
    // Stripe's local schedule: retries 1 s and then 5 s later are still inside the 10 s window.
    for (const attempts of [1, 2, 3]) {
      const next = await waitFor(async () => {
        const all = await Promise.all(messages.map((m) => t.store.getMessage(m.id)));
        for (const m of all) expect(m).toMatchObject({ status: 'pending', attempts });
        return Math.max(...all.map((m) => m!.nextAttemptAt));
      });
      expect(reports).toEqual([]);
      t.clock.set(next);
    }
    // The fourth round fails 36 s after the first failure: the endpoint is reported, once, and disabled.
    await waitFor(async () => {
      const all = await Promise.all(messages.map((m) => t.store.getMessage(m.id)));
      expect(all.map((m) => m?.status)).toEqual(['failed', 'failed', 'failed']);
    });
    expect(reports).toEqual([{ id: messages[0]!.endpointId, failingSince: t0 }]);
    expect(await t.store.stats()).toMatchObject({ failed: 3, canceled: 0, pending: 0 });

    // Back up and enabled again: a replay of the endpoint's undelivered messages delivers each of them.
    receiver.setHandler(() => ({ status: 200 }));
    endpoint.enabled = true;
    const before = t.hits().length;
    expect(await t.dispatcher.replaySince(0, { endpointId: messages[0]!.endpointId })).toBe(3);
    await waitFor(async () => expect((await t.store.stats()).delivered).toBe(3));
    expect(t.hits().length - before).toBe(3);
  });

  it('the store merges health rows like mergeEndpointHealth: latest success wins', async () => {
    const store = createSqliteOutbox(new Database(':memory:'));
    const row = (id: string, since: number | null, failure: number | null, success: number | null) => ({
      endpointId: id,
      failingSince: since,
      lastFailureAt: failure,
      lastSuccessAt: success,
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

  it('remembers when the endpoint started failing across a restart', async () => {
    const clock = createManualClock();
    const db = new Database(':memory:');
    const store = createSqliteOutbox(db, { clock });
    receiver.setHandler(() => ({ status: 500 }));
    const reports: (number | null)[] = [];
    const start = () => {
      const d = createDispatcher({
        store,
        clock,
        random: () => 0.5,
        healthWindowMs: 60_000,
        onEndpointFailing: (_id, h) => reports.push(h.failingSince),
      });
      running.push(d);
      return d;
    };
    const enqueue = () =>
      db.transaction(() =>
        store.enqueue(db, {
          endpointId: 'ep_restart',
          url: `${receiver.url}/restart`,
          eventType: 'a',
          eventId: `evt_${Math.random()}`,
          body: '{}',
          profile: 'stripe',
        }),
      )();
    const t0 = clock.now();
    const first = start();
    const a = enqueue();
    await first.start();
    await waitFor(async () => expect((await store.getMessage(a.id))?.attempts).toBe(1));
    await waitFor(async () => expect((await store.stats()).pending).toBe(1));
    await first.stop();

    clock.advance(40_000);
    const second = start();
    await second.start();
    const b = enqueue();
    await waitFor(async () => expect((await store.getMessage(b.id))?.attemptLog).toHaveLength(1));
    clock.advance(20_000); // 60 s after the first failure, seen by the first dispatcher
    await waitFor(() => expect(reports[0]).toBe(t0));
  });
});

describe('malformed input gets an OutboxInputError', () => {
  const db = new Database(':memory:');
  const store = createSqliteOutbox(db);
  const good: NewMessage = {
    endpointId: 'ep_1',
    url: 'http://127.0.0.1:9/x',
    eventType: 'a',
    eventId: 'evt_1',
    body: '{}',
  };

  it.each([
    ['a non-object', 42],
    ['a missing url', { ...good, url: undefined }],
    ['a ftp url', { ...good, url: 'ftp://example.com/' }],
    ['a non-string body', { ...good, body: { a: 1 } }],
    ['an unknown scheme', { ...good, signing: { scheme: 'md5', secrets: ['s'] } }],
    ['signing without secrets', { ...good, signing: { scheme: 'stripe', secrets: [] } }],
    ['an unknown profile', { ...good, profile: 'forever' }],
    ['a CRLF in a header', { ...good, headers: { 'x-a': 'b\r\nx-evil: 1' } }],
    ['a bad traceparent', { ...good, traceparent: 'nope' }],
    ['an unknown field', { ...good, surprise: true }],
  ])('enqueue with %s', (_name, input) => {
    expect(() => store.enqueue(db, input as NewMessage)).toThrow(OutboxInputError);
    expect((db.prepare('SELECT count(*) AS n FROM outbox_messages').get() as { n: number }).n).toBe(0);
  });

  it('enqueue without a connection', () => {
    expect(() => store.enqueue(undefined as never, good)).toThrow(/tx: expected the better-sqlite3 Database/);
    expect(() => store.enqueueMany(db, 'x' as never)).toThrow(OutboxInputError);
  });

  it('factories and queries', async () => {
    expect(() => createSqliteOutbox({} as never)).toThrow(OutboxInputError);
    expect(() => createSqliteOutbox(db, { tablePrefix: 'x; DROP' })).toThrow(OutboxInputError);
    expect(() => createDispatcher(undefined as never)).toThrow(OutboxInputError);
    expect(() => createDispatcher({ store: {} as never })).toThrow(/store: expected an OutboxStore/);
    expect(() => createDispatcher({ store, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createDispatcher({ store, retrySchedule: 'fast' as never })).toThrow(/retrySchedule/);
    expect(() => createDispatcher({ store, timeoutMs: 5000, leaseMs: 1000 })).toThrow(/leaseMs/);
    expect(() => createDispatcher({ store, failingThreshold: 50 } as never)).toThrow(/healthWindowMs/);
    expect(() => createDispatcher({ store, healthWindowMs: { stripe: -1 } })).toThrow(/healthWindowMs/);
    expect(() => createDispatcher({ store, healthWindowMs: { forever: 5 } as never })).toThrow(
      /healthWindowMs/,
    );
    await expect(store.listMessages({ limit: -1 })).rejects.toThrow(OutboxInputError);
    await expect(store.listMessages({ status: 'lost' as never })).rejects.toThrow(OutboxInputError);
    await expect(store.getMessage(7 as never)).rejects.toThrow(OutboxInputError);
    const d = createDispatcher({ store });
    await expect(d.replay(undefined as never)).rejects.toThrow(OutboxInputError);
    await expect(d.replaySince('yesterday' as never)).rejects.toThrow(OutboxInputError);
    await expect(d.stop({ drainMs: -1 })).rejects.toThrow(OutboxInputError);
    expect(() => createManualClock().advance(-5)).toThrow(TypeError);
  });
});
