import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalBlobStore, type LocalBlobStore } from './local-store.ts';
import { parseRange } from './range.ts';
import { blobRoutes } from './routes.ts';

const SECRET = 'test-secret-for-blob-urls';
let dir: string;
let now: number;
let store: LocalBlobStore;
let app: Hono;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blobstore-'));
  now = Date.UTC(2026, 10, 29, 10);
  store = createLocalBlobStore({
    dir,
    baseUrl: 'http://blobs.test/blobs',
    secret: SECRET,
    clock: { now: () => now },
  });
  app = new Hono();
  app.route('/blobs', blobRoutes(store));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const req = (url: string, init?: RequestInit) => app.request(url.replace('http://blobs.test', ''), init);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('local blob store', () => {
  it('stores buffers and streams, reporting size and sha256', async () => {
    const a = await store.put('manifests/a.ndjson', '{"a":1}\n', { contentType: 'application/x-ndjson' });
    expect(a).toEqual({
      key: 'manifests/a.ndjson',
      size: 8,
      sha256: sha('{"a":1}\n'),
      contentType: 'application/x-ndjson',
    });
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const b = await store.put('b.bin', Readable.from([big.subarray(0, 1000), big.subarray(1000)]), {
      contentType: 'application/octet-stream',
    });
    expect(b.size).toBe(big.length);
    expect(b.sha256).toBe(sha(big));
    expect(await store.head('b.bin')).toEqual(b);
    expect((await store.get('b.bin'))?.equals(big)).toBe(true);
    expect(await store.get('missing')).toBeNull();
    await store.delete('b.bin');
    expect(await store.head('b.bin')).toBeNull();
  });

  it('refuses keys that could escape the folder', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', '..', 'a//b', '', 'a/./b', `a\0b`]) {
      await expect(store.put(key, 'x', { contentType: 'text/plain' }), key).rejects.toThrow(
        /invalid blob key/,
      );
    }
  });

  it('serves a signed URL with content type, length, ETag and Accept-Ranges', async () => {
    const info = await store.put('m/day.ndjson', 'hello world', { contentType: 'application/x-ndjson' });
    const url = await store.signedUrl('m/day.ndjson', { expiresInSec: 60 });
    expect(url).toMatch(/^http:\/\/blobs\.test\/blobs\/m\/day\.ndjson\?expires=\d+&signature=[0-9a-f]{64}$/);
    const res = await req(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('content-length')).toBe('11');
    expect(res.headers.get('etag')).toBe(`"${info.sha256}"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(await res.text()).toBe('hello world');
    const head = await req(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('11');
    const cached = await req(url, { headers: { 'if-none-match': `"${info.sha256}"` } });
    expect(cached.status).toBe(304);
  });

  it('honours Range with 206 and refuses unsatisfiable ranges with 416', async () => {
    await store.put('r.txt', '0123456789', { contentType: 'text/plain' });
    const url = await store.signedUrl('r.txt', { expiresInSec: 60 });
    const mid = await req(url, { headers: { range: 'bytes=2-5' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(mid.headers.get('content-length')).toBe('4');
    expect(await mid.text()).toBe('2345');
    const tail = await req(url, { headers: { range: 'bytes=-3' } });
    expect(await tail.text()).toBe('789');
    const open = await req(url, { headers: { range: 'bytes=7-' } });
    expect(await open.text()).toBe('789');
    const bad = await req(url, { headers: { range: 'bytes=10-20' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */10');
    expect((await bad.json()).code).toBe('range_not_satisfiable');
    const stale = await req(url, { headers: { range: 'bytes=0-1', 'if-range': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('refuses a tampered URL with 403 problem+json', async () => {
    await store.put('t.txt', 'secret data', { contentType: 'text/plain' });
    await store.put('u.txt', 'other data', { contentType: 'text/plain' });
    const url = await store.signedUrl('t.txt', { expiresInSec: 60 });
    const u = new URL(url);
    const sig = u.searchParams.get('signature')!;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    const variants = [
      url.replace(`signature=${sig}`, `signature=${flipped}`),
      url.replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) + 3600}`),
      url.replace('/t.txt', '/u.txt'),
      url.split('?')[0]!,
    ];
    for (const v of variants) {
      const res = await req(v);
      expect(res.status, v).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json()).code).toBe('signature_invalid');
    }
  });

  it('refuses an expired URL with 410 and a clear message', async () => {
    await store.put('e.txt', 'x', { contentType: 'text/plain' });
    const url = await store.signedUrl('e.txt', { expiresInSec: 5 });
    expect((await req(url)).status).toBe(200);
    now += 5_000;
    const res = await req(url);
    expect(res.status).toBe(410);
    const body = await res.json();
    expect(body.code).toBe('url_expired');
    expect(body.title).toMatch(/expired at 2026-11-29T10:00:05/);
  });

  it('refuses path traversal on the route', async () => {
    const res = await app.request('/blobs/%2e%2e/%2e%2e/etc/passwd?expires=1&signature=00');
    expect([400, 404]).toContain(res.status);
    const enc = await app.request('/blobs/..%2f..%2fetc%2fpasswd?expires=1&signature=00');
    expect([400, 404]).toContain(enc.status);
  });

  it('streams a large blob through a real server intact', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
    const info = await store.put('big.bin', big, { contentType: 'application/octet-stream' });
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    try {
      const real = createLocalBlobStore({
        dir,
        baseUrl: `http://127.0.0.1:${port}/blobs`,
        secret: SECRET,
        clock: { now: () => now },
      });
      const res = await fetch(await real.signedUrl('big.bin', { expiresInSec: 60 }));
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('content-length')).toBe(String(big.length));
      expect(sha(body)).toBe(info.sha256);
      expect(sha(await readFile(real.pathOf('big.bin')))).toBe(info.sha256);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('parseRange', () => {
  it('parses the single-range forms', () => {
    expect(parseRange(undefined, 10)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-0', 10)).toEqual({ kind: 'ok', start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ kind: 'ok', start: 5, end: 9 });
    expect(parseRange('bytes=-100', 10)).toEqual({ kind: 'ok', start: 0, end: 9 });
    expect(parseRange('bytes=4-2', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,3-4', 10)).toEqual({ kind: 'none' });
    expect(parseRange('items=0-1', 10)).toEqual({ kind: 'none' });
  });
});
