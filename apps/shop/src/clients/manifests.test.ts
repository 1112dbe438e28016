import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkUrl } from '@hooklab/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
