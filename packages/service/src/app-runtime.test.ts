import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp } from './app.ts';
import { appRuntime } from './app-runtime.ts';
import { baseConfigSchema } from './config.ts';
import { appControl } from './control.ts';
import type { RunningApp } from './running-app.ts';

const config = baseConfigSchema.parse({ LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const started: RunningApp[] = [];
afterEach(async () => {
  for (const app of started.splice(0)) await app.close();
});

describe('appRuntime', () => {
  it('serves on the port the env gives the app, on its HOST, and resolves to its RunningApp', async () => {
    const runtime = appRuntime('ticker', { TICKER_PORT: '0' }, config);
    const app = runtime.running(await runtime.serve(createServiceApp({ name: 'ticker' }), {}));
    started.push(app);
    expect(app).toMatchObject({ name: 'ticker', recorder: runtime.recorder });
    expect(app.port).toBeGreaterThan(0);
    expect(app.url).toBe(`http://127.0.0.1:${app.port}`);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('records its outbound calls as its own, the callee named from the service map', async () => {
    const hub = appRuntime('hub', { PORT: '0' }, config);
    const hubApp = hub.running(await hub.serve(createServiceApp({ name: 'hub' }), {}));
    started.push(hubApp);
    const ticker = appRuntime('ticker', { HUB_URL: hubApp.url }, config, { fetchKind: 'handshake' });
    expect(ticker.nameOf(`${hubApp.url}/x`)).toBe('hub');
    await ticker.fetch(`${hubApp.url}/healthz`);
    expect(ticker.recorder.list()).toMatchObject([
      { from: 'ticker', to: 'hub', kind: 'handshake', status: 200 },
    ]);
  });

  it("records a dispatcher's attempt to the service its URL names, and registers the dispatcher's pause switch", async () => {
    const runtime = appRuntime('social', { NOTIFIER_URL: 'http://127.0.0.1:3105' }, config);
    runtime.recordAttempt({
      message: {
        id: 'msg_1',
        url: 'http://127.0.0.1:3105/webhooks/social',
        eventType: 'post.created',
        eventId: 'evt_1',
        body: '{}',
        headers: {},
        traceparent: null,
      },
      attempt: {
        attemptNo: 1,
        startedAt: Date.now(),
        durationMs: 3,
        statusCode: 200,
        failureKind: null,
        responseExcerpt: '',
        responseHeaders: {},
      },
      outcome: 'delivered',
      nextAttemptAt: null,
    });
    expect(runtime.recorder.list()).toMatchObject([{ from: 'social', to: 'notifier', status: 200 }]);

    let running = true;
    runtime.registerSender('outbox', {
      start: async () => {
        running = true;
      },
      stop: async () => {
        running = false;
      },
      stats: () => ({ running, inFlight: 0 }),
    });
    await appControl(runtime.recorder).setSender('outbox', true);
    expect(running).toBe(false);
  });

  it('asks an app outside the service map for its port', () => {
    expect(() => appRuntime('order-bot', {}, config)).toThrow(/order-bot is not in the service map/);
    expect(() => appRuntime('order-bot', {}, config, { port: 0 })).not.toThrow();
  });
});
