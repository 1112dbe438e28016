import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp, type Exchange, ExchangeRecorder, type RunningServer, serve } from './index.ts';

const servers: RunningServer[] = [];
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startApp(dev = true) {
  const recorder = new ExchangeRecorder('demo', 50);
  const app = createServiceApp({ name: 'demo', recorder, dev: { HOOKLAB_DEV: dev } });
  app.get('/api/thing/:n', (c) => c.json({ n: c.req.param('n') }));
  const server = await serve({ app, port: 0, drainMs: 100 });
  servers.push(server);
  return { recorder, url: server.url };
}

/** Opens the stream and returns a reader of its events. */
async function open(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  aborts.push(abort);
  const res = await fetch(`${url}/_hooklab/exchanges/stream${headers.query ?? ''}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    res,
    /** The next event of type `type`, with its id and parsed data. */
    async next(type = 'exchange'): Promise<{ id?: string; data: Exchange }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          if (field('event') === type) return { id: field('id'), data: JSON.parse(field('data') ?? 'null') };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    },
  };
}

describe('GET /_hooklab/exchanges/stream', () => {
  it('delivers each exchange as it is recorded: event exchange, id = the exchange id, redacted data', async () => {
    const app = await startApp();
    const stream = await open(app.url);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.next('ready');
    await fetch(`${app.url}/api/thing/1?email=ada@example.com`);
    const e = await stream.next();
    expect(e.data.url).toMatch(/\/api\/thing\/1/);
    expect(e.data.url).not.toContain('ada@example.com');
    expect(e.id).toBe(e.data.id);
    expect(e.data.id).toBe(app.recorder.list().at(-1)!.id);
  });

  it('replays what the ring holds after Last-Event-ID, and sends a backlog on request', async () => {
    const app = await startApp();
    for (const n of [1, 2, 3]) await fetch(`${app.url}/api/thing/${n}`);
    const [first, second, third] = app.recorder.list();
    const resumed = await open(app.url, { 'last-event-id': first!.id });
    expect((await resumed.next()).id).toBe(second!.id);
    expect((await resumed.next()).id).toBe(third!.id);

    const backlog = await open(app.url, { query: '?backlog=1' });
    expect((await backlog.next()).id).toBe(third!.id);
    // An id the ring no longer holds (or from before a restart): everything the ring has.
    const unknown = await open(app.url, { 'last-event-id': 'exc_gone' });
    expect((await unknown.next()).id).toBe(first!.id);
  });

  it('is dev-only, and checks its query', async () => {
    const off = await startApp(false);
    expect((await fetch(`${off.url}/_hooklab/exchanges/stream`)).status).toBe(404);
    const on = await startApp();
    const bad = await fetch(`${on.url}/_hooklab/exchanges/stream?backlog=-1`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
  });
});
