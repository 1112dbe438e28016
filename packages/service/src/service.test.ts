import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ApiError,
  baseConfigSchema,
  ConfigError,
  childSpan,
  createServiceApp,
  createTracedFetch,
  ExchangeRecorder,
  excerpt,
  formatTraceparent,
  isId,
  loadConfig,
  newId,
  parseTraceparent,
  portOf,
  redactHeaders,
  serve,
  serviceUrls,
  ssrfOptionsOf,
  withTrace,
} from './index.ts';

describe('config', () => {
  it('lists every problem at once', () => {
    const schema = baseConfigSchema.extend({
      PORT: z.coerce.number().int(),
      KEY: z.string().startsWith('sk_'),
    });
    try {
      loadConfig(schema, { PORT: 'abc', KEY: 'nope', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/KEY/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it('has laptop defaults', () => {
    const cfg = loadConfig(baseConfigSchema, {});
    expect(cfg.HOST).toBe('127.0.0.1');
    expect(cfg.WEBHOOK_RETRY_SCHEDULE).toBe('local');
    expect(cfg.HOOKLAB_DEV).toBe(false);
    // Loopback callbacks: refused by default, allowed in dev mode, and the explicit setting wins.
    expect(ssrfOptionsOf(cfg).allowLoopback).toBe(false);
    expect(ssrfOptionsOf(loadConfig(baseConfigSchema, { HOOKLAB_DEV: '1' })).allowLoopback).toBe(true);
    const explicit = loadConfig(baseConfigSchema, { HOOKLAB_DEV: '1', WEBHOOK_ALLOW_LOOPBACK: '0' });
    expect(ssrfOptionsOf(explicit).allowLoopback).toBe(false);
    expect(
      ssrfOptionsOf(loadConfig(baseConfigSchema, { WEBHOOK_ALLOW_HOSTS: ' a.test, ,10.0.0.0/8' })).allowList,
    ).toEqual(['a.test', '10.0.0.0/8']);
  });
});

describe('ids and service urls', () => {
  it('makes prefixed unique ids', () => {
    const a = newId('ord');
    expect(a).toMatch(/^ord_[A-Za-z0-9]{24}$/);
    expect(newId('ord')).not.toBe(a);
    expect(isId('ord', a)).toBe(true);
    expect(isId('pi', a)).toBe(false);
    expect(() => newId('Bad-Prefix')).toThrow(TypeError);
  });

  it('maps services to URLs, each overridable', () => {
    const urls = serviceUrls({ PAYMENTS_URL: 'https://api.stripe.com/', LOGISTICS_PORT: '4003' });
    expect(urls.payments).toBe('https://api.stripe.com');
    expect(urls.logistics).toBe('http://localhost:4003');
    expect(urls.shop).toBe('http://localhost:3001');
    expect(() => serviceUrls({ SHOP_URL: 'not a url' })).toThrow(/SHOP_URL/);
    expect(portOf('payments', {})).toBe(3002);
    expect(portOf('payments', { PORT: '0' })).toBe(0);
    expect(() => portOf('payments', { PORT: '99999' })).toThrow(/PORT/);
  });
});

describe('tracing', () => {
  it('parses and formats traceparent, refusing invalid ones', () => {
    const h = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const t = parseTraceparent(h);
    expect(t).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(formatTraceparent(t!)).toBe(h);
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeNull();
    expect(parseTraceparent('garbage')).toBeNull();
    const child = childSpan(t);
    expect(child.traceId).toBe(t!.traceId);
    expect(child.parentSpanId).toBe(t!.spanId);
  });
});

describe('service app', () => {
  const recorder = new ExchangeRecorder('demo', 3);
  const app = createServiceApp({ name: 'demo', recorder });
  app.get('/boom', () => {
    throw new Error('secret database password leaked here');
  });
  app.get('/teapot', () => {
    throw new ApiError({ status: 418, code: 'teapot', message: 'I am a teapot', param: 'pot' });
  });
  app.post('/validate', async (c) => {
    z.object({ n: z.number(), s: z.string() }).parse(await c.req.json());
    return c.json({ ok: true });
  });
  app.get('/trace', (c) => c.json({ traceId: c.get('trace').traceId }));

  it('answers /healthz', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: 'demo' });
  });

  it('never leaks an internal message on 500', async () => {
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    expect(text).not.toMatch(/password|stack|at /);
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it('renders typed errors and validation problems as problem+json', async () => {
    const tea = await app.request('/teapot');
    expect(tea.status).toBe(418);
    expect(await tea.json()).toMatchObject({ code: 'teapot', param: 'pot', title: 'I am a teapot' });
    const bad = await app.request('/validate', {
      method: 'POST',
      body: JSON.stringify({ n: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.issues).toHaveLength(2);
    const malformed = await app.request('/validate', {
      method: 'POST',
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    const missing = await app.request('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
  });

  it('continues an inbound trace, sets request ids, and records exchanges in a bounded ring', async () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await app.request('/trace', {
      headers: { traceparent: tp, 'x-request-id': 'abc-1', authorization: 'Bearer sk_test_supersecretvalue' },
    });
    expect(await res.json()).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(res.headers.get('x-request-id')).toBe('abc-1');
    const rec = recorder.list({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(rec).toHaveLength(1);
    expect(rec[0]!.requestHeaders.authorization).not.toContain('supersecret');
    expect(rec[0]!.parentSpanId).toBe('00f067aa0ba902b7');
    for (let i = 0; i < 5; i++) await app.request('/trace');
    expect(recorder.list()).toHaveLength(3);
  });
});

describe('exchange redaction', () => {
  it('masks credentials in headers and bodies', () => {
    expect(redactHeaders({ Authorization: 'Bearer sk_test_abcdefghijklmnop', accept: 'x' })).toEqual({
      authorization: expect.stringContaining('[redacted]'),
      accept: 'x',
    });
    expect(excerpt('{"secret":"whsec_abcdefghijkl"}')).not.toContain('abcdefghijkl');
    expect(excerpt('x'.repeat(5000), 100)).toHaveLength(100 + '…(4900 more)'.length);
  });
});

describe('serve and traced fetch', () => {
  it('binds a free port, propagates traceparent outbound, and shuts down gracefully', async () => {
    const app = createServiceApp({ name: 'echo' });
    app.get('/echo', (c) => c.json({ traceparent: c.req.header('traceparent') ?? null }));
    let hookRan = false;
    const server = await serve({
      app,
      port: 0,
      onShutdown: [
        () => {
          hookRan = true;
        },
      ],
    });
    const recorder = new ExchangeRecorder('caller');
    const f = createTracedFetch({ from: 'caller', recorder, nameOf: () => 'echo' });
    const root = childSpan(null);
    const res = await withTrace(root, () => f(`${server.url}/echo`));
    const body = (await res.json()) as { traceparent: string };
    expect(parseTraceparent(body.traceparent)?.traceId).toBe(root.traceId);
    expect(recorder.list()[0]).toMatchObject({ direction: 'out', to: 'echo', status: 200 });
    await server.close();
    expect(hookRan).toBe(true);
    await expect(fetch(`${server.url}/echo`)).rejects.toThrow();
  });
});

describe('exchange recording on a real server', () => {
  it('captures the response body from @hono/node-server without cloning it (guards the fast path)', async () => {
    const recorder = new ExchangeRecorder('served');
    const app = createServiceApp({ name: 'served', recorder });
    app.post('/orders', async (c) => c.json({ id: 'ord_1', got: (await c.req.json()).n }, 201));
    const server = await serve({ app, port: 0 });
    try {
      const res = await fetch(`${server.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 7 }),
      });
      expect(await res.json()).toEqual({ id: 'ord_1', got: 7 });
      const [e] = recorder.list();
      expect(e).toMatchObject({
        status: 201,
        requestBody: '{"n":7}',
        responseBody: '{"id":"ord_1","got":7}',
      });
      expect(res.headers.get('x-request-id')).toMatch(/^req_[A-Za-z0-9]{24}$/); // newId, like every id
      expect(res.headers.get('traceparent')).toMatch(/^00-/);
    } finally {
      await server.close();
    }
  });
});
