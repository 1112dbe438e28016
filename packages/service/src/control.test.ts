import { afterEach, describe, expect, it } from 'vitest';
import {
  appControl,
  createServiceApp,
  dispatcherSender,
  type Exchange,
  type ExchangeNotes,
  ExchangeRecorder,
  noteSignature,
  type RunningServer,
  recordDeliveryAttempt,
  serve,
  setTransportFaults,
  transportFaults,
} from './index.ts';

const DEV = { HOOKLAB_DEV: true };
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A tiny app with a webhook receiver and an API route, served on loopback. */
async function startApp(opts: { dev?: typeof DEV | { HOOKLAB_DEV: false } } = {}) {
  const recorder = new ExchangeRecorder('demo');
  const app = createServiceApp({ name: 'demo', recorder, dev: opts.dev ?? DEV });
  let handled = 0;
  app.post('/hooks', async (c) => {
    await c.req.text();
    handled++;
    noteSignature(c, { verified: true, scheme: 'standard' });
    return c.json({ received: true, handled }, 202);
  });
  app.post('/verified-by-middleware', async (c) => {
    c.set('webhook' as never, { scheme: 'stripe' } as never);
    return c.json({ ok: true });
  });
  app.get('/api/thing', (c) => c.json({ thing: 1 }));
  const server = await serve({ app, port: 0 });
  servers.push(server);
  return { recorder, url: server.url, handled: () => handled, control: appControl(recorder) };
}

const delivery = (n = 1) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'webhook-id': `msg_${n}`, 'x-hooklab-attempt': String(n) },
  body: JSON.stringify({ type: 'order.created', data: { n } }),
});

const control = (url: string, body?: unknown) =>
  fetch(`${url}/_hooklab/control`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const lastRecorded = (recorder: ExchangeRecorder) => recorder.list().at(-1) as Exchange & ExchangeNotes;

describe('control API (/_hooklab/control)', () => {
  it('is not there outside dev mode, and refuses a caller it cannot place in dev mode', async () => {
    const off = await startApp({ dev: { HOOKLAB_DEV: false } });
    const res = await control(off.url, { receiver: { mode: 'failing' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(off.control.receiver.mode).toBe('none');
    expect((await control(off.url)).status).toBe(404);

    // app.request() has no peer address: in dev mode that is "not local", so refused too.
    const recorder = new ExchangeRecorder('demo');
    const app = createServiceApp({ name: 'demo', recorder, dev: DEV });
    const inProcess = await app.request('/_hooklab/control', { method: 'POST', body: '{}' });
    expect(inProcess.status).toBe(403);
  });

  it('validates what it is given: problem+json naming the field', async () => {
    const { url } = await startApp();
    const bad = await control(url, { receiver: { mode: 'on fire' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe('receiver.mode');
    const mixed = await control(url, { receiver: { mode: 'gone', status: 500 } });
    expect(mixed.status).toBe(400);
    expect(((await mixed.json()) as { param: string }).param).toBe('receiver.status');
    const none = await control(url, {});
    expect(none.status).toBe(400);
    const notJson = await fetch(`${url}/_hooklab/control`, { method: 'POST', body: 'mode=down' });
    expect(notJson.status).toBe(400);
  });

  it('failing and gone answer webhook deliveries only, and the recorder notes the fault', async () => {
    const app = await startApp();
    expect((await control(app.url, { receiver: { mode: 'failing', status: 502 } })).status).toBe(200);
    const failed = await fetch(`${app.url}/hooks`, delivery());
    expect(failed.status).toBe(502);
    expect(app.handled()).toBe(0);
    expect(lastRecorded(app.recorder)).toMatchObject({
      status: 502,
      fault: 'failing',
      attempt: 1,
      kind: 'webhook',
    });
    // API calls are untouched by a receiver fault.
    expect((await fetch(`${app.url}/api/thing`)).status).toBe(200);

    await control(app.url, { receiver: { mode: 'gone' } });
    expect((await fetch(`${app.url}/hooks`, delivery(2))).status).toBe(410);
    const state = (await (await control(app.url)).json()) as { receiver: { mode: string; affected: number } };
    expect(state.receiver).toMatchObject({ mode: 'gone', affected: 1 });

    await control(app.url, { receiver: { mode: 'none' } });
    expect((await fetch(`${app.url}/hooks`, delivery(3))).status).toBe(202);
    expect(lastRecorded(app.recorder)).toMatchObject({ status: 202, attempt: 3 });
    expect(lastRecorded(app.recorder).fault).toBeUndefined();
  });

  it('down closes the connection before the handler; drop runs the handler and cuts the answer', async () => {
    const app = await startApp();
    await control(app.url, { receiver: { mode: 'down' } });
    await expect(fetch(`${app.url}/hooks`, delivery())).rejects.toThrow();
    expect(app.handled()).toBe(0);
    expect(lastRecorded(app.recorder)).toMatchObject({ status: null, fault: 'down' });

    await control(app.url, { receiver: { mode: 'drop' } });
    await expect(fetch(`${app.url}/hooks`, delivery(2)).then((r) => r.text())).rejects.toThrow();
    expect(app.handled()).toBe(1);
    expect(lastRecorded(app.recorder)).toMatchObject({ status: 202, fault: 'drop' });
  });

  it('slow holds each delivery, then lets it through', async () => {
    const app = await startApp();
    await control(app.url, { receiver: { mode: 'slow', delay_ms: 20 } });
    expect((await fetch(`${app.url}/hooks`, delivery())).status).toBe(202);
    expect(app.handled()).toBe(1);
    expect(lastRecorded(app.recorder)).toMatchObject({ status: 202, fault: 'slow' });
  });

  it('pauses and resumes a registered sender, and says which sender is unknown', async () => {
    const app = await startApp();
    const calls: string[] = [];
    let running = true;
    app.control.registerSender(
      dispatcherSender('outbox', {
        async start() {
          calls.push('start');
          running = true;
        },
        async stop() {
          calls.push('stop');
          running = false;
        },
        stats: () => ({ running, inFlight: 0 }),
        storeStats: async () => ({ pending: 3, inFlight: 0, dead: 0 }),
      }),
    );
    const paused = (await (await control(app.url, { sender: { paused: true } })).json()) as {
      senders: { name: string; paused: boolean; stats: Record<string, number> }[];
    };
    expect(paused.senders).toEqual([
      expect.objectContaining({ name: 'outbox', paused: true, stats: { in_flight: 0, pending: 3, dead: 0 } }),
    ]);
    await control(app.url, { sender: { name: 'outbox', paused: false } });
    expect(calls).toEqual(['stop', 'start']);
    const unknown = await control(app.url, { sender: { name: 'mailer', paused: true } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('unknown_sender');
  });
});

describe('transport faults (process-wide, through the control API)', () => {
  afterEach(() => setTransportFaults({ brokerDown: false, consumerCrashes: 0 }));
  type Board = { version: number; listeners: Set<(s: { brokerDown: boolean }) => void> };

  it('switches broker down and consumer crashes on the board the transports read, and shows them', async () => {
    const app = await startApp();
    // What @hooklab/webhooks does: listen on the process's board under the shared global key.
    transportFaults();
    const board = (globalThis as Record<symbol, Board>)[Symbol.for('hooklab.transport-faults')];
    expect(board?.version).toBe(1);
    const heard: boolean[] = [];
    const listener = (s: { brokerDown: boolean }) => void heard.push(s.brokerDown);
    board!.listeners.add(listener);
    try {
      const down = await control(app.url, { transport: { broker_down: true, consumer_crashes: 2 } });
      expect(down.status).toBe(200);
      const snap = (await down.json()) as { transport: Record<string, unknown> };
      expect(snap.transport).toMatchObject({
        broker_down: true,
        broker_down_since: expect.any(String),
        consumer_crashes_pending: 2,
        refused_publishes: 0,
        crashes: [],
      });
      expect(transportFaults()).toMatchObject({ brokerDown: true, consumerCrashes: 2 });
      expect(heard).toEqual([true]);
      const up = (await (await control(app.url, { transport: { broker_down: false } })).json()) as {
        transport: Record<string, unknown>;
      };
      expect(up.transport).toMatchObject({
        broker_down: false,
        broker_down_since: null,
        consumer_crashes_pending: 2,
      });
      expect(heard).toEqual([true, false]);
      const got = (await (await control(app.url)).json()) as { transport: Record<string, unknown> };
      expect(got.transport).toMatchObject({ broker_down: false, consumer_crashes_pending: 2 });
    } finally {
      board!.listeners.delete(listener);
    }
  });

  it('refuses an empty or out-of-range transport switch, and is not there outside dev mode', async () => {
    const { url } = await startApp();
    for (const transport of [{}, { consumer_crashes: -1 }, { broker_down: 'yes' }, { on_fire: true }]) {
      const res = await control(url, { transport });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    const off = await startApp({ dev: { HOOKLAB_DEV: false } });
    expect((await control(off.url, { transport: { broker_down: true } })).status).toBe(404);
    expect(transportFaults().brokerDown).toBe(false);
  });
});

describe('signature notes', () => {
  it('records whether the receiver verified: by hand (noteSignature) or through verifyWebhook', async () => {
    const app = await startApp();
    await fetch(`${app.url}/hooks`, delivery());
    expect(lastRecorded(app.recorder).signature).toEqual({ verified: true, scheme: 'standard' });
    await fetch(`${app.url}/verified-by-middleware`, {
      ...delivery(),
      headers: { 'stripe-signature': 't=1,v1=x' },
    });
    expect(lastRecorded(app.recorder).signature).toMatchObject({ verified: true, scheme: 'stripe' });
    await fetch(`${app.url}/api/thing`);
    expect(lastRecorded(app.recorder).signature).toBeUndefined();
  });
});

describe('sender records of delivery attempts', () => {
  it('carry the message’s trace, event id and attempt, so the receiver’s record can be paired with them', () => {
    const recorder = new ExchangeRecorder('shop');
    const e = recordDeliveryAttempt(
      recorder,
      {
        message: {
          id: 'msg_1',
          url: 'http://127.0.0.1:3003/v1/inbound/orders',
          eventType: 'order.created',
          eventId: 'evt_1',
          body: '{"type":"order.created"}',
          headers: { 'x-merchant-id': 'mer_1' },
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
        attempt: {
          attemptNo: 2,
          startedAt: 1000,
          durationMs: 12,
          statusCode: 503,
          failureKind: 'http',
          responseExcerpt: '{}',
          responseHeaders: {},
        },
        outcome: 'retry',
        nextAttemptAt: 5000,
      },
      { to: 'logistics' },
    ) as Exchange & ExchangeNotes;
    expect(e).toMatchObject({
      from: 'shop',
      to: 'logistics',
      direction: 'out',
      kind: 'webhook',
      status: 503,
      at: 1012,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      attempt: 2,
      outcome: 'retry',
      nextAttemptAt: 5000,
      error: 'retry: http',
    });
    expect(e.requestHeaders).toMatchObject({ 'x-hooklab-event-id': 'evt_1', 'x-hooklab-attempt': '2' });
  });
});
