import {
  createServiceApp,
  ExchangeRecorder,
  type RunningApp,
  type RunningServer,
  SERVICE_NAMES,
  serve,
  urlVarOf,
} from '@hooklab/service';
import { freePort } from '@hooklab/service/ports';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedExchange } from './domain/hops.ts';
import type { ServiceState } from './domain/store.ts';
import { readSse, type SseEvent } from './http/sse.ts';
import { start } from './main.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function fakeApp(name: string, port = 0): Promise<RunningServer & { hits: () => number }> {
  const recorder = new ExchangeRecorder(name);
  const app = createServiceApp({ name, recorder, dev: { HOOKLAB_DEV: true } });
  let hits = 0;
  app.get('/api/thing', (c) => c.json({ thing: 1 }));
  app.post('/webhooks/in', (c) => {
    hits++;
    return c.json({ received: true });
  });
  const server = await serve({ app, port, drainMs: 100 });
  closers.push(server.close);
  return { ...server, hits: () => hits };
}

/** Reads the console's browser stream, waiting for the events the test asks for. */
async function follow(consoleUrl: string) {
  const abort = new AbortController();
  closers.push(async () => abort.abort());
  const res = await fetch(`${consoleUrl}/api/stream`, { signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  void readSse(
    res.body!,
    (e) => {
      events.push(e);
      for (const w of waiters) w();
    },
    abort.signal,
  ).catch(() => undefined);
  return {
    /** The first event (already arrived or to come) that `match` accepts. */
    until<T>(match: (e: SseEvent) => T | undefined): Promise<T> {
      return new Promise((resolve) => {
        const check = () => {
          for (const e of events) {
            const hit = match(e);
            if (hit !== undefined) {
              waiters.delete(check);
              resolve(hit);
              return;
            }
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const service = (name: string, status: string) => (e: SseEvent) => {
  if (e.event === 'snapshot') {
    const s = (JSON.parse(e.data) as { services: ServiceState[] }).services.find((x) => x.name === name);
    return s?.status === status ? s : undefined;
  }
  if (e.event !== 'service') return undefined;
  const s = JSON.parse(e.data) as ServiceState;
  return s.name === name && s.status === status ? s : undefined;
};

async function startConsole(env: Record<string, string>): Promise<RunningApp> {
  // Every app of the map on a port of its own where nothing listens, unless the test says otherwise.
  const all: Record<string, string> = {};
  for (const name of SERVICE_NAMES) all[urlVarOf(name)] = `http://127.0.0.1:${await freePort()}`;
  const app = await start({
    ...all,
    ...env,
    PORT: '0',
    HOOKLAB_DEV: '1',
    LOG_LEVEL: 'silent',
    CONSOLE_RETRY_MS: '100',
  });
  closers.push(app.close);
  return app;
}

describe('the console, following apps over the network', () => {
  it('shows each app up or down, retries the down ones, and streams what they record to the browser', async () => {
    const shop = await fakeApp('shop');
    const paymentsPort = await freePort();
    const consoleApp = await startConsole({
      SHOP_URL: shop.url,
      PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
    });
    const browser = await follow(consoleApp.url);
    await browser.until(service('shop', 'up'));
    const down = await browser.until(service('payments', 'down'));
    expect(down.detail).toBe('ECONNREFUSED');

    await fetch(`${shop.url}/api/thing?n=1`);
    const seen = await browser.until((e) => {
      if (e.event !== 'exchange') return undefined;
      const x = JSON.parse(e.data) as RecordedExchange;
      return x.service === 'shop' && x.url.endsWith('/api/thing?n=1') ? x : undefined;
    });
    expect(seen).toMatchObject({ direction: 'in', method: 'GET', status: 200, to: 'shop' });

    // Payments comes up after the console: the next try finds it.
    await fakeApp('payments', paymentsPort);
    await browser.until(service('payments', 'up'));
  });

  it('flips an app’s receiver through its control API and remembers the switch', async () => {
    const shop = await fakeApp('shop');
    const consoleApp = await startConsole({ SHOP_URL: shop.url });
    const post = (body: unknown) =>
      fetch(`${consoleApp.url}/api/control/shop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const on = await post({ receiver: { mode: 'failing', status: 500 } });
    expect(on.status).toBe(200);
    const refused = await fetch(`${shop.url}/webhooks/in`, {
      method: 'POST',
      headers: { 'webhook-id': 'msg_1' },
      body: '{}',
    });
    expect(refused.status).toBe(500);
    expect(shop.hits()).toBe(0);
    await post({ receiver: { mode: 'none' } });
    expect(
      (
        await fetch(`${shop.url}/webhooks/in`, {
          method: 'POST',
          headers: { 'webhook-id': 'msg_1' },
          body: '{}',
        })
      ).status,
    ).toBe(200);
    const browser = await follow(consoleApp.url);
    const switches = await browser.until((e) =>
      e.event === 'snapshot'
        ? (JSON.parse(e.data) as { switches: { mode: string; until?: number }[] }).switches
        : undefined,
    );
    expect(switches).toEqual([
      expect.objectContaining({ mode: 'failing', detail: '500', until: expect.any(Number) }),
    ]);
  });
});
