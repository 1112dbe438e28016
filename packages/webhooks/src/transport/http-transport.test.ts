import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport } from './http-transport.ts';

let server: http.Server;
let base: string;
let redirectFollowed = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/ok') res.writeHead(204).end();
      else if (req.url?.startsWith('/echo'))
        res.writeHead(200).end(`${req.headers['content-length']}:${Buffer.concat(chunks).toString('utf8')}`);
      else if (req.url === '/big') res.writeHead(200).end('y'.repeat(1_000_000));
      else if (req.url === '/redirect') res.writeHead(307, { location: '/followed' }).end();
      else if (req.url === '/followed') {
        redirectFollowed++;
        res.writeHead(200).end();
      } else if (req.url === '/retry')
        res.writeHead(429, { 'retry-after': '7', 'x-secret': 'no' }).end('slow down');
      // '/hang' never answers
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

describe('http transport', () => {
  const transport = createHttpTransport({ timeoutMs: 200 });
  afterAll(() => transport.close());
  const post = (path: string, extra = {}) =>
    transport.send({ url: base + path, headers: {}, body: '{}', ...extra });

  it('reports 2xx as ok with a duration', async () => {
    const r = await post('/ok');
    expect(r).toMatchObject({ ok: true, statusCode: 204, failureKind: null });
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('keeps only a subset of response headers', async () => {
    const r = await post('/retry');
    expect(r).toMatchObject({ ok: false, statusCode: 429, failureKind: 'http', excerpt: 'slow down' });
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['x-secret']).toBeUndefined();
  });

  it('caps the excerpt and drops the rest of the body', async () => {
    const r = await post('/big', { maxResponseBytes: 1000 });
    expect(r.excerpt).toHaveLength(1000);
    expect((await post('/ok')).ok).toBe(true); // the pool still works after a discarded socket
  });

  it('sends each body byte-exact with its own UTF-8 content-length, the same body to many URLs too', async () => {
    const bodies = ['{"a":"ü€😀"}', '{"a":"ü€😀"}', '{"b":1}', 'x'.repeat(3000), ''];
    for (const body of bodies) {
      for (const q of ['?1', '?2']) {
        const r = await transport.send({ url: `${base}/echo${q}`, headers: {}, body });
        expect(r.excerpt).toBe(`${Buffer.byteLength(body)}:${body}`.slice(0, 4096));
      }
    }
  });

  it('never follows a redirect', async () => {
    const r = await post('/redirect');
    expect(r).toMatchObject({ ok: false, statusCode: 307, failureKind: 'http' });
    expect(r.headers.location).toBe('/followed');
    expect(redirectFollowed).toBe(0);
  });

  it('times out with kind timeout', async () => {
    const r = await post('/hang');
    expect(r).toMatchObject({ ok: false, statusCode: null, failureKind: 'timeout' });
    expect(r.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('reports a refused connection and a bad URL as kind connection', async () => {
    expect(await transport.send({ url: 'http://127.0.0.1:1/', headers: {}, body: '' })).toMatchObject({
      failureKind: 'connection',
    });
    expect(await transport.send({ url: 'not a url', headers: {}, body: '' })).toMatchObject({
      failureKind: 'connection',
      excerpt: 'invalid URL',
    });
    expect(await transport.send({ url: 'ftp://x/', headers: {}, body: '' })).toMatchObject({
      failureKind: 'connection',
    });
  });

  it('connects to the addresses the SSRF check pinned, not to a fresh DNS answer', async () => {
    const port = new URL(base).port;
    const r = await transport.send({
      url: `http://hooks.invalid:${port}/ok`,
      headers: {},
      body: '{}',
      addresses: ['127.0.0.1'],
    });
    expect(r).toMatchObject({ ok: true, statusCode: 204 });
  });
});
