// Tests every app shares (`@hooklab/service/testing`): imported by app tests only, never by app code.
import type { Hono } from 'hono';
import { expect, it } from 'vitest';
import type { RunningApp } from './running-app.ts';

export interface AppBasicsOptions {
  /** The service name its /healthz and recorder answer with. */
  name: string;
  /** The app on a fresh test context in dev mode; `env` overrides its config (e.g. `{ HOOKLAB_DEV: '0' }`). */
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env type
  app: (env?: Record<string, string>) => Hono<any>;
  /** The dev token of that test context. */
  devToken: string;
  /** The app's exported start. */
  start: (env: Record<string, string | undefined>) => Promise<RunningApp>;
  /** What start() needs beyond a free port, silence and production mode (DATA_DIR, fixed secrets…). */
  startEnv?: Record<string, string>;
}

/**
 * The three tests of the app template, inside the caller's `describe`: /healthz, the recorder served in dev
 * mode only (a problem+json 404 outside), and start() from an environment answering over the network.
 */
export function appBasicsTests(opts: AppBasicsOptions): void {
  const devToken = { 'x-hooklab-dev-token': opts.devToken };

  it('answers /healthz', async () => {
    const res = await opts.app().request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: opts.name });
  });

  it('serves its recorder in dev mode and refuses it outside, with a problem+json 404', async () => {
    const dev = await opts.app().request('/_hooklab/exchanges', { headers: devToken });
    expect(dev.status).toBe(200);
    expect(await dev.json()).toMatchObject({ service: opts.name, data: [] });

    const prod = await opts.app({ HOOKLAB_DEV: '0' }).request('/_hooklab/exchanges', { headers: devToken });
    expect(prod.status).toBe(404);
    expect(prod.headers.get('content-type')).toBe('application/problem+json');
    expect(await prod.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('starts from an environment, as server.ts does, and answers over the network', async () => {
    const app = await opts.start({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HOOKLAB_DEV: '0',
      ...opts.startEnv,
    });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${app.url}/_hooklab/exchanges`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
}
