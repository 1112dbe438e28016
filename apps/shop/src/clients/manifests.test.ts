import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ssrfOptionsOf } from '@hooklab/service';
import { checkUrl } from '@hooklab/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, testConfig } from '../test-support.ts';
import { downloadManifest } from './manifests.ts';

const content = Buffer.from('{"shipment":"shp_1"}\n'.repeat(100));
const sha = createHash('sha256').update(content).digest('hex');
let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => res.end(content));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('downloadManifest and DNS rebinding', () => {
  it('downloads from the address the guard checked, without a second DNS answer', async () => {
    const lookups: string[] = [];
    // Only the guard's resolver knows this name: a fetch that resolved it again could not connect.
    const urlCheck = (url: string) =>
      checkUrl(url, {
        allowLoopback: true,
        lookup: async (host) => {
          lookups.push(host);
          return [{ address: '127.0.0.1', family: 4 }];
        },
      });
    const result = await downloadManifest(
      { fetch: globalThis.fetch, maxBytes: 1_000_000, urlCheck },
      { url: `http://blobs.invalid:${port}/man_1.ndjson`, size: content.length, sha256: sha },
    );
    expect(result).toMatchObject({ status: 'ok', actualSha256: sha, httpStatus: 200 });
    expect(lookups).toEqual(['blobs.invalid']);
  });
});

describe('manifest download and check', () => {
  const content = Buffer.from('{"shipment":"shp_1"}\n'.repeat(5000));
  const sha = createHash('sha256').update(content).digest('hex');
  let blobs: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    blobs = await listen((req, _body, res) => {
      if (req.url === '/ok') return void res.end(content);
      res.statusCode = req.url === '/expired' ? 410 : 403;
      res.end('refused');
    });
  });
  afterAll(() => blobs.close());
  const opts = {
    fetch: globalThis.fetch,
    maxBytes: 10_000_000,
    urlCheck: (url: string) => checkUrl(url, ssrfOptionsOf(testConfig())),
  };

  it('accepts a file whose size and sha256 match', async () => {
    expect(
      await downloadManifest(opts, { url: `${blobs.url}/ok`, size: content.length, sha256: sha }),
    ).toMatchObject({ status: 'ok', actualSha256: sha });
  });

  it('records a digest or size mismatch', async () => {
    const r = await downloadManifest(opts, {
      url: `${blobs.url}/ok`,
      size: content.length,
      sha256: 'b'.repeat(64),
    });
    expect(r).toMatchObject({ status: 'mismatch', actualSha256: sha });
    expect((await downloadManifest(opts, { url: `${blobs.url}/ok`, size: 1, sha256: sha })).status).toBe(
      'mismatch',
    );
  });

  it('records a 403 or 410 from the signed URL as refused', async () => {
    expect(
      await downloadManifest(opts, { url: `${blobs.url}/tampered`, size: 1, sha256: sha }),
    ).toMatchObject({ status: 'refused', httpStatus: 403 });
    expect(await downloadManifest(opts, { url: `${blobs.url}/expired`, size: 1, sha256: sha })).toMatchObject(
      { status: 'refused', httpStatus: 410 },
    );
  });

  it('refuses a manifest URL aimed at an internal address without fetching it', async () => {
    let fetched = 0;
    const r = await downloadManifest(
      {
        ...opts,
        fetch: async (...args) => {
          fetched++;
          return globalThis.fetch(...args);
        },
      },
      { url: 'http://169.254.169.254/latest/meta-data/', size: 1, sha256: sha },
    );
    expect(r).toMatchObject({ status: 'refused', httpStatus: null });
    expect(r.detail).toMatch(/unsafe URL/);
    expect(fetched).toBe(0);
  });

  it('stops at the size limit and survives an unreachable host', async () => {
    expect(
      (
        await downloadManifest(
          { ...opts, maxBytes: 1000 },
          { url: `${blobs.url}/ok`, size: null, sha256: null },
        )
      ).status,
    ).toBe('refused');
    expect((await downloadManifest(opts, { url: 'http://127.0.0.1:9/x', size: 1, sha256: sha })).status).toBe(
      'error',
    );
  });
});
