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
let endpoint: string;
const options = () => ({
  endpoint,
  bucket: 'hooklab-test',
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  forcePathStyle: true,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  store = createS3BlobStore(options());
  await store.ensureBucket();
});
afterAll(async () => {
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

  it('answers S3 errors as S3Error with the XML code, and absent keys as null', async () => {
    const other = createS3BlobStore({ ...options(), bucket: 'no-such-bucket' });
    await expect(other.put('a.txt', 'x', { contentType: 'text/plain' })).rejects.toMatchObject({
      name: 'S3Error',
      status: 404,
      code: 'NoSuchBucket',
    });
    expect(await store.stream('absent.txt')).toBeNull();
  });

  it('presigns exactly as AWS documents (SigV4 query-string example, examplebucket/test.txt)', async () => {
    const aws = createS3BlobStore({
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'examplebucket',
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      clock: { now: () => Date.UTC(2013, 4, 24) },
    });
    const url = new URL(await aws.signedUrl('test.txt', { expiresInSec: 86_400 }));
    expect(url.origin + url.pathname).toBe('https://examplebucket.s3.amazonaws.com/test.txt');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
      'X-Amz-Date': '20130524T000000Z',
      'X-Amz-Expires': '86400',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    });
  });

  it('without credentials, names the variables to set', () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      expect(() => createS3BlobStore({ bucket: 'b' })).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.key !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.key;
    }
  });

  it('refuses unsafe keys before calling S3', async () => {
    await expect(store.put('../escape', 'x', { contentType: 'text/plain' })).rejects.toThrow(
      /invalid blob key/,
    );
  });
});
