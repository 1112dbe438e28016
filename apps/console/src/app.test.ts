import { defineScenario, type Scenario, type ScenarioId } from '@hooklab/scenarios';
import { setTransportFaults, transportFaults } from '@hooklab/service';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import type { RunView } from './domain/store.ts';
import { apiCall, TRACE, testContext, URLS } from './test-support.ts';

const TOKEN = 'console-test-token-0123456789';
const auth = { 'x-hooklab-dev-token': TOKEN };
const json = { ...auth, 'content-type': 'application/json', accept: 'application/json' };

const demo = defineScenario({
  id: 'S01',
  title: 'Demo',
  story: 'Two steps.',
  actors: [],
  steps: ['one', 'two'],
  async run(ctx) {
    ctx.step(0);
    ctx.say('hello', { n: 1 });
    ctx.step(1);
    return { answer: Number(ctx.params.timeout_ms ?? 42) };
  },
});
// A result the size of S15's table of attacks: the page draws it, so the run keeps it whole.
const bigResult = defineScenario({
  id: 'S15',
  title: 'Many trials',
  story: 'A long table.',
  actors: [],
  steps: ['one'],
  async run(ctx) {
    ctx.step(0);
    const trials = Array.from({ length: 60 }, (_, i) => ({
      side: 'webhook',
      target: 'a Stripe receiver',
      attack: `attack no. ${i}, a forged copy`,
      answer: '400 {"error":"No signatures found matching the expected signature for payload"}',
      refused: true,
    }));
    return { trials, effects: {}, leaks: [] };
  },
});
const registry: Partial<Record<ScenarioId, Scenario>> = {
  S01: demo as Scenario,
  S04: demo as Scenario,
  S15: bigResult as Scenario,
};

function setup(env: Record<string, string> = {}, fetch?: typeof globalThis.fetch) {
  const ctx = testContext({ env: { HOOKLAB_DEV_TOKEN: TOKEN, ...env }, registry, fetch });
  return { ctx, app: createApp(ctx) };
}

/** Resolves with the run once the store says it ended. */
const ended = (ctx: ReturnType<typeof setup>['ctx'], id: string) =>
  new Promise<RunView>((resolve) => {
    const check = () => {
      const run = ctx.store.run(id);
      if (run && run.status !== 'running') resolve(run);
    };
    ctx.store.subscribe(check);
    check();
  });

describe('dev only', () => {
  it('is not there outside dev mode: an HTML page for a browser, problem+json for a client', async () => {
    const { app } = setup({ HOOKLAB_DEV: '0' });
    const page = await app.request('/', { headers: { accept: 'text/html', ...auth } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('dev mode only');
    const api = await app.request('/api/scenarios', { headers: auth });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
  });

  it('in dev mode, answers this machine or the dev token only', async () => {
    const { app } = setup();
    expect((await app.request('/api/scenarios')).status).toBe(401);
    expect((await app.request('/api/scenarios', { headers: auth })).status).toBe(200);
  });
});

describe('the page', () => {
  it('names its script and carries the scenario list, with no way to break out of its JSON', async () => {
    const { app } = setup();
    const res = await app.request('/', { headers: auth });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<script type="module" src="/assets/console-test.js">');
    const boot = /<script type="application\/json" id="boot">([^<]*)<\/script>/.exec(html);
    const data = JSON.parse(boot![1]!) as {
      catalog: { id: string; built: boolean }[];
      urls: Record<string, string>;
    };
    expect(data.catalog.map((s) => s.id)).toHaveLength(15);
    expect(data.urls.shop).toBe(URLS.shop);
    const script = await app.request('/assets/console-test.js', { headers: auth });
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/console-old.js', { headers: auth })).status).toBe(404);
  });
});

describe('runs', () => {
  it('starts a scenario, narrates it into the store, and ends with its figures', async () => {
    const { ctx, app } = setup();
    const res = await app.request('/api/runs', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ scenario: 'S04', params: { timeout_ms: '7000' } }),
    });
    expect(res.status).toBe(202);
    const run = (await res.json()) as RunView;
    expect(run).toMatchObject({
      scenario: 'S04',
      status: 'running',
      params: { timeout_ms: 7000 },
      steps: ['one', 'two'],
    });
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('location')).toBe(`/api/runs/${run.id}`);
    const done = await ended(ctx, run.id);
    expect(done).toMatchObject({ status: 'passed', result: { answer: 7000 } });
    expect(done.lines.map((l) => [l.step, l.text])).toEqual([
      [0, 'step 1'],
      [0, 'hello'],
      [1, 'step 2'],
    ]);
    expect(
      ((await (await app.request(`/api/runs/${run.id}`, { headers: auth })).json()) as RunView).status,
    ).toBe('passed');
  });

  it('keeps a large result whole (S15’s table of attacks, ~10 KB), not cut like a narrated line’s data', async () => {
    const { ctx, app } = setup();
    const res = await app.request('/api/runs', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ scenario: 'S15', params: {} }),
    });
    const done = await ended(ctx, ((await res.json()) as RunView).id);
    expect(JSON.stringify(done.result).length).toBeGreaterThan(8000);
    expect((done.result as { trials: unknown[] }).trials).toHaveLength(60);
  });

  it('refuses what it cannot run, each in problem+json', async () => {
    const { app } = setup();
    const post = (body: unknown) =>
      app.request('/api/runs', {
        method: 'POST',
        headers: json,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const cases: [unknown, number, string][] = [
      [{ scenario: 'S99' }, 404, 'unknown_scenario'],
      [{ scenario: 'S04', params: { timeout_ms: 'soon' } }, 400, 'invalid_params'],
      [{ scenario: 'S04', params: { colour: 'red' } }, 400, 'invalid_params'],
      [{ scenario: 'nope' }, 400, 'validation_failed'],
      ['{not json', 400, 'malformed_body'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await app.request('/api/runs/run_nope', { headers: auth })).status).toBe(404);
  });
});

describe('traces', () => {
  it('gives a trace as hops, HAR and Mermaid; refuses a bad id and says when nothing was recorded', async () => {
    const { ctx, app } = setup();
    for (const e of apiCall({
      from: 'console',
      to: 'shop',
      method: 'POST',
      url: `${URLS.shop}/api/orders`,
      status: 201,
      start: 0,
      spanId: 'e'.repeat(16),
    }))
      ctx.store.addExchange(e);
    const hops = (await (await app.request(`/api/traces/${TRACE}`, { headers: auth })).json()) as {
      data: { from: string; to: string; recorded_by: string[] }[];
    };
    expect(hops.data).toEqual([
      expect.objectContaining({ from: 'console', to: 'shop', recorded_by: ['console', 'shop'] }),
    ]);
    const har = await app.request(`/api/traces/${TRACE}/har`, { headers: auth });
    expect(har.headers.get('content-disposition')).toMatch(/attachment; filename="hooklab-0af76519\.har"/);
    expect(((await har.json()) as { log: { version: string } }).log.version).toBe('1.2');
    const mmd = await app.request(`/api/traces/${TRACE}/mermaid`, { headers: auth });
    expect(await mmd.text()).toMatch(/^sequenceDiagram\n/);
    expect((await app.request('/api/traces/xyz/har', { headers: auth })).status).toBe(400);
    expect((await app.request(`/api/traces/${'1'.repeat(32)}`, { headers: auth })).status).toBe(404);
  });
});

describe('switches', () => {
  it('relays a switch to the app’s control API with the dev token, and remembers it', async () => {
    const calls: { url: string; body?: string; token?: string | null }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      calls.push({
        url: String(url),
        body: init?.body as string | undefined,
        token: new Headers(init?.headers).get('x-hooklab-dev-token'),
      });
      return Response.json({
        service: 'shop',
        receiver: { mode: 'failing', status: 503, affected: 0 },
        senders: [],
      });
    }) as typeof fetch;
    const { ctx, app } = setup({}, fake);
    const res = await app.request('/api/control/shop', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ receiver: { mode: 'failing' } }),
    });
    expect(res.status).toBe(200);
    expect(calls).toEqual([
      { url: `${URLS.shop}/_hooklab/control`, body: '{"receiver":{"mode":"failing"}}', token: TOKEN },
    ]);
    expect(ctx.store.openSwitch('shop', 'receiver')).toMatchObject({ mode: 'failing', detail: '503' });
    await app.request('/api/control/shop', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ receiver: { mode: 'none' } }),
    });
    expect(ctx.store.openSwitch('shop', 'receiver')).toBeUndefined();
    expect(ctx.store.snapshot().switches[0]?.until).toBeGreaterThan(0);
  });

  it('says so when the app is not there, and refuses unknown apps and bad switches', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const { app } = setup({}, down);
    const res = await app.request('/api/control/shop', { headers: auth });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toBe('app_unreachable');
    expect((await app.request('/api/control/bank', { headers: auth })).status).toBe(404);
    const bad = await app.request('/api/control/shop', {
      method: 'POST',
      headers: json,
      body: '{"receiver":{"mode":"explode"}}',
    });
    expect(bad.status).toBe(400);
  });
});

describe('transport switches and "clear all faults"', () => {
  afterEach(() => setTransportFaults({ brokerDown: false, consumerCrashes: 0 }));

  /** A fake app fleet: each app's control API answers with its state; shop is down. */
  function fleet() {
    const calls: { url: string; method: string; body?: unknown }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      const u = String(url);
      calls.push({
        url: u,
        method: init?.method ?? 'GET',
        ...(init?.body ? { body: JSON.parse(String(init.body)) } : {}),
      });
      if (u.startsWith(URLS.shop)) throw new TypeError('fetch failed');
      const t = transportFaults();
      return Response.json({
        service: 'x',
        receiver: { mode: u.startsWith(URLS.mailbox) ? 'down' : 'none', affected: 0 },
        senders: u.startsWith(URLS.logistics) ? [{ name: 'outbox', paused: true, stats: {} }] : [],
        transport: {
          broker_down: t.brokerDown,
          broker_down_since: null,
          refused_publishes: 2,
          consumer_crashes_pending: t.consumerCrashes,
          crashes: [],
        },
      });
    }) as typeof fetch;
    return { calls, ...setup({}, fake) };
  }

  it('broker down: set in the console’s process and relayed to every app, remembered as a switch', async () => {
    const { calls, ctx, app } = fleet();
    const res = await app.request('/api/control/transport', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ broker_down: true }),
    });
    expect(res.status).toBe(200);
    const state = (await res.json()) as { broker_down: boolean; unreachable: { name: string }[] };
    expect(transportFaults().brokerDown).toBe(true);
    expect(state.broker_down).toBe(true);
    expect(state.unreachable.map((u) => u.name)).toEqual(['shop']);
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(9); // every app but the console itself
    expect(posts.every((c) => JSON.stringify(c.body) === '{"transport":{"broker_down":true}}')).toBe(true);
    expect(ctx.store.openSwitch('topic broker', 'transport')).toMatchObject({ mode: 'broker-down' });

    await app.request('/api/control/transport', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ broker_down: false }),
    });
    expect(transportFaults().brokerDown).toBe(false);
    expect(ctx.store.openSwitch('topic broker', 'transport')).toBeUndefined();
    expect(ctx.store.snapshot().switches[0]).toMatchObject({ statsAtEnd: { refused_publishes: 2 } });
  });

  it('clear all faults: receivers working, paused senders resumed, transport faults off, switches closed', async () => {
    const { calls, ctx, app } = fleet();
    await app.request('/api/control/transport', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ broker_down: true, consumer_crashes: 1 }),
    });
    expect(ctx.store.openSwitch('queue consumers', 'transport')).toMatchObject({ mode: 'consumer-crash' });
    calls.length = 0;
    const res = await app.request('/api/control', { method: 'DELETE', headers: auth });
    expect(res.status).toBe(200);
    expect(transportFaults()).toMatchObject({ brokerDown: false, consumerCrashes: 0 });
    const body = (await res.json()) as { data: { name: string; cleared: boolean }[] };
    expect(body.data.filter((a) => !a.cleared).map((a) => a.name)).toEqual(['shop']);
    const posted = Object.fromEntries(
      calls.filter((c) => c.method === 'POST').map((c) => [new URL(c.url).port, c.body]),
    );
    const transport = { broker_down: false, consumer_crashes: 0 };
    expect(posted[new URL(URLS.mailbox).port]).toEqual({ receiver: { mode: 'none' }, transport });
    expect(posted[new URL(URLS.logistics).port]).toEqual({ sender: { paused: false }, transport });
    expect(posted[new URL(URLS.payments).port]).toEqual({ transport });
    expect(ctx.store.openSwitch('topic broker', 'transport')).toBeUndefined();
    expect(ctx.store.openSwitch('queue consumers', 'transport')).toBeUndefined();
  });

  it('refuses an empty or malformed transport switch (problem+json)', async () => {
    const { app } = fleet();
    for (const body of ['{}', '{"broker_down":"yes"}', '{"consumer_crashes":-1}', 'nope']) {
      const res = await app.request('/api/control/transport', { method: 'POST', headers: json, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(transportFaults().brokerDown).toBe(false);
  });
});
