import { afterEach, describe, expect, it } from 'vitest';
import { createServiceApp } from './app.ts';
import { appRuntime } from './app-runtime.ts';
import { baseConfigSchema } from './config.ts';
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

  it('asks an app outside the service map for its port', () => {
    expect(() => appRuntime('order-bot', {}, config)).toThrow(/order-bot is not in the service map/);
    expect(() => appRuntime('order-bot', {}, config, { port: 0 })).not.toThrow();
  });
});
