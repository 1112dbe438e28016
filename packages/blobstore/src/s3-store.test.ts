import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BlobStore, type S3BlobStore } from './s3-store.ts';

let server: S3rver;
let dir: string;
let store: S3BlobStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await server.run();
  store = createS3BlobStore({
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'hooklab-test',
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
  });
  await store.ensureBucket();
});
afterAll(async () => {
  store?.client.destroy();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('S3 blob store (against s3rver)', () => {
  it('puts, heads, gets, serves a presigned URL and deletes', async () => {
    const data = Buffer.from('{"shipment_id":"shp_1"}\n'.repeat(50_000));
    const info = await store.put('manifests/2026-11-29.ndjson', Readable.from([data]), {
      contentType: 'application/x-ndjson',
    });
    expect(info).toMatchObject({ size: data.length, sha256: sha(data), contentType: 'application/x-ndjson' });
    expect(await store.head('manifests/2026-11-29.ndjson')).toEqual(info);
    expect(sha((await store.get('manifests/2026-11-29.ndjson'))!)).toBe(info.sha256);

    const url = await store.signedUrl('manifests/2026-11-29.ndjson', { expiresInSec: 60 });
    expect(url).toContain('X-Amz-Signature=');
    expect(url).toContain('/hooklab-test/manifests/2026-11-29.ndjson');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(info.sha256);

    const part = await store.stream('manifests/2026-11-29.ndjson', { start: 0, end: 9 });
    const chunks: Buffer[] = [];
    for await (const c of part!) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('{"shipment');

    await store.delete('manifests/2026-11-29.ndjson');
    expect(await store.head('manifests/2026-11-29.ndjson')).toBeNull();
    expect(await store.get('manifests/2026-11-29.ndjson')).toBeNull();
  });

  it('refuses unsafe keys before calling S3', async () => {
    await expect(store.put('../escape', 'x', { contentType: 'text/plain' })).rejects.toThrow(
      /invalid blob key/,
    );
  });
});
