import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { assertValidKey } from './keys.ts';
import { type BlobData, type BlobInfo, type BlobStore, MAX_EXPIRY_SEC } from './types.ts';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3BlobStoreOptions {
  /** Any S3-compatible endpoint (`S3_ENDPOINT`); omit for AWS itself (`https://s3.<region>.amazonaws.com`). */
  endpoint?: string;
  bucket: string;
  region?: string;
  /** Defaults to `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the environment. */
  credentials?: S3Credentials;
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. Default true. */
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket. */
  prefix?: string;
  /** Attempts after a 5xx or 429 (default 2, as the AWS SDK's 3 attempts). */
  retries?: number;
  /** For tests: the signing time of presigned URLs. */
  clock?: { now(): number };
}

export interface S3BlobStore extends BlobStore {
  readonly kind: 's3';
  /** Creates the bucket if it does not exist (dev and tests). */
  ensureBucket(): Promise<void>;
}

/** A non-2xx answer from S3, with the `<Code>` of its XML error body when there is one. */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function toBuffer(data: BlobData): Promise<Buffer<ArrayBuffer>> {
  if (!(data instanceof Readable)) return typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const chunks: Buffer[] = [];
  for await (const chunk of data) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function failure(res: Response, what: string): Promise<S3Error> {
  const text = await res.text().catch(() => '');
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP${res.status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? res.statusText;
  return new S3Error(res.status, code, `S3 ${what}: ${res.status} ${code}${message ? ` (${message})` : ''}`);
}

function credentialsOf(opts: S3BlobStoreOptions): S3Credentials {
  if (opts.credentials) return opts.credentials;
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new Error('S3 blob store: give credentials, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    sessionToken: AWS_SESSION_TOKEN || undefined,
  };
}

/** `20130524T000000Z`, the SigV4 date format. */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');

/**
 * A blob store on any S3 endpoint: the S3 REST API over `fetch`, signed with SigV4 by `aws4fetch`;
 * signed URLs are SigV4 presigned GETs (`X-Amz-Expires`).
 */
export function createS3BlobStore(opts: S3BlobStoreOptions): S3BlobStore {
  const region = opts.region ?? 'us-east-1';
  const client = new AwsClient({ ...credentialsOf(opts), service: 's3', region, retries: opts.retries ?? 2 });
  const endpoint = new URL(opts.endpoint ?? `https://s3.${region}.amazonaws.com`);
  const pathStyle = opts.forcePathStyle ?? true;
  const bucket = opts.bucket;
  const prefix = opts.prefix ?? '';
  const clock = opts.clock ?? { now: () => Date.now() };

  const bucketUrl = () => {
    const url = new URL(endpoint);
    const base = url.pathname.replace(/\/+$/, '');
    if (pathStyle) url.pathname = `${base}/${encodeURIComponent(bucket)}`;
    else url.host = `${bucket}.${url.host}`;
    return url;
  };
  const objectUrl = (key: string) => {
    const url = bucketUrl();
    // Key segments are already [A-Za-z0-9._-]; slashes stay as path separators.
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${prefix}${assertValidKey(key)}`;
    return url;
  };

  const head = async (key: string): Promise<BlobInfo | null> => {
    const res = await client.fetch(objectUrl(key), { method: 'HEAD' });
    if (res.status === 404) return null;
    if (!res.ok) throw await failure(res, `HEAD ${key}`);
    return {
      key,
      size: Number(res.headers.get('content-length') ?? 0),
      sha256: res.headers.get('x-amz-meta-sha256') ?? '',
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
    };
  };

  return {
    kind: 's3',
    async ensureBucket() {
      const found = await client.fetch(bucketUrl(), { method: 'HEAD' });
      if (found.ok) return;
      const res = await client.fetch(bucketUrl(), { method: 'PUT' });
      // Another process may have created it in between.
      if (!res.ok && res.status !== 409) throw await failure(res, `create bucket ${bucket}`);
      await res.body?.cancel();
    },
    // A Readable is buffered so its length and digest are known before the single PUT (no multipart here).
    async put(key, data, { contentType }) {
      const url = objectUrl(key);
      const body = await toBuffer(data);
      const sha256 = createHash('sha256').update(body).digest('hex');
      const res = await client.fetch(url, {
        method: 'PUT',
        body,
        headers: { 'content-type': contentType, 'x-amz-meta-sha256': sha256, 'x-amz-content-sha256': sha256 },
      });
      if (!res.ok) throw await failure(res, `PUT ${key}`);
      await res.body?.cancel();
      return { key, size: body.length, sha256, contentType };
    },
    async signedUrl(key, { expiresInSec }) {
      if (!Number.isFinite(expiresInSec) || expiresInSec < 1 || expiresInSec > MAX_EXPIRY_SEC) {
        throw new RangeError(`expiresInSec must be 1–${MAX_EXPIRY_SEC}`);
      }
      const url = objectUrl(key);
      url.searchParams.set('X-Amz-Expires', String(Math.ceil(expiresInSec)));
      const signed = await client.sign(url, {
        method: 'GET',
        aws: { signQuery: true, datetime: amzDate(clock.now()) },
      });
      return signed.url;
    },
    head,
    async get(key) {
      const res = await client.fetch(objectUrl(key));
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) throw await failure(res, `GET ${key}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async stream(key, range) {
      const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end}` } : {};
      const res = await client.fetch(objectUrl(key), { headers });
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) throw await failure(res, `GET ${key}`);
      return res.body ? Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    },
    async delete(key) {
      const res = await client.fetch(objectUrl(key), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw await failure(res, `DELETE ${key}`);
      await res.body?.cancel();
    },
  };
}
