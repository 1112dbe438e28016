import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertValidKey } from './keys.ts';
import { type BlobData, type BlobInfo, type BlobStore, MAX_EXPIRY_SEC } from './types.ts';

export interface S3BlobStoreOptions {
  /** Any S3-compatible endpoint (`S3_ENDPOINT`); omit for AWS itself. */
  endpoint?: string;
  bucket: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket. */
  prefix?: string;
}

export interface S3BlobStore extends BlobStore {
  readonly kind: 's3';
  readonly client: S3Client;
  /** Creates the bucket if it does not exist (dev and tests). */
  ensureBucket(): Promise<void>;
}

async function toBuffer(data: BlobData): Promise<Buffer> {
  if (!(data instanceof Readable)) return typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const chunks: Buffer[] = [];
  for await (const chunk of data) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** A blob store on any S3 endpoint; signed URLs are SigV4 presigned GETs. */
export function createS3BlobStore(opts: S3BlobStoreOptions): S3BlobStore {
  const client = new S3Client({
    endpoint: opts.endpoint,
    region: opts.region ?? 'us-east-1',
    credentials: opts.credentials,
    forcePathStyle: opts.forcePathStyle ?? true,
  });
  const Bucket = opts.bucket;
  const prefix = opts.prefix ?? '';
  const Key = (key: string) => prefix + assertValidKey(key);

  const head = async (key: string): Promise<BlobInfo | null> => {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket, Key: Key(key) }));
      return {
        key,
        size: out.ContentLength ?? 0,
        sha256: out.Metadata?.sha256 ?? '',
        contentType: out.ContentType ?? 'application/octet-stream',
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  };

  return {
    kind: 's3',
    client,
    async ensureBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch {
        await client.send(new CreateBucketCommand({ Bucket }));
      }
    },
    // A Readable is buffered so its length and digest are known before the single PUT (no multipart here).
    async put(key, data, { contentType }) {
      const body = await toBuffer(data);
      const sha256 = createHash('sha256').update(body).digest('hex');
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: Key(key),
          Body: body,
          ContentType: contentType,
          ContentLength: body.length,
          Metadata: { sha256 },
        }),
      );
      return { key, size: body.length, sha256, contentType };
    },
    async signedUrl(key, { expiresInSec }) {
      if (!Number.isFinite(expiresInSec) || expiresInSec < 1 || expiresInSec > MAX_EXPIRY_SEC) {
        throw new RangeError(`expiresInSec must be 1–${MAX_EXPIRY_SEC}`);
      }
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: Key(key) }), {
        expiresIn: Math.ceil(expiresInSec),
      });
    },
    head,
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: Key(key) }));
        return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async stream(key, range) {
      try {
        const out = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: Key(key),
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
        return (out.Body as Readable | undefined) ?? Readable.from([]);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: Key(key) }));
    },
  };
}
