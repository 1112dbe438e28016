import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey } from './keys.ts';
import { checkBlobUrl, signBlobUrl, type UrlCheck } from './signing.ts';
import {
  type BlobData,
  type BlobInfo,
  type BlobStore,
  MAX_EXPIRY_SEC,
  type PutOptions,
  type SignedUrlOptions,
} from './types.ts';

export interface LocalBlobStoreOptions {
  /** Folder holding the blobs (`data/`) and their metadata (`meta/`). */
  dir: string;
  /** Public base of the blob routes, e.g. `http://127.0.0.1:3003/blobs`; a function when the port is known late. */
  baseUrl: string | (() => string);
  /** HMAC key of the signed URLs. */
  secret: string;
  clock?: { now(): number };
}

export interface LocalBlobStore extends BlobStore {
  readonly kind: 'local';
  /** Checks `expires`/`signature` of a request for `key`. */
  verifyUrl(key: string, expires: string | undefined, signature: string | undefined): UrlCheck;
  /** The file on disk behind a key (for local reads and benchmarks). */
  pathOf(key: string): string;
}

function toStream(data: BlobData): Readable {
  if (data instanceof Readable) return data;
  return Readable.from([typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)]);
}

/** A blob store on the local disk, served by `blobRoutes` behind HMAC-signed, expiring URLs. */
export function createLocalBlobStore(opts: LocalBlobStoreOptions): LocalBlobStore {
  if (!opts.secret || opts.secret.length < 16)
    throw new TypeError('blob store secret must have at least 16 characters');
  const root = resolve(opts.dir);
  const clock = opts.clock ?? { now: () => Date.now() };
  const baseUrl = () =>
    (typeof opts.baseUrl === 'function' ? opts.baseUrl() : opts.baseUrl).replace(/\/+$/, '');

  const inside = (sub: string, key: string, suffix = '') => {
    const p = resolve(root, sub, `${assertValidKey(key)}${suffix}`);
    // Belt and braces after key validation: the resolved path must stay under the store's folder.
    if (!p.startsWith(join(root, sub) + sep)) throw new TypeError('blob key escapes the store');
    return p;
  };
  const dataPath = (key: string) => inside('data', key);
  const metaPath = (key: string) => inside('meta', key, '.json');

  const head = async (key: string): Promise<BlobInfo | null> => {
    try {
      return JSON.parse(await readFile(metaPath(key), 'utf8')) as BlobInfo;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };

  return {
    kind: 'local',
    pathOf: dataPath,
    async put(key, data, { contentType }: PutOptions) {
      const file = dataPath(key);
      const meta = metaPath(key);
      await mkdir(dirname(file), { recursive: true });
      await mkdir(dirname(meta), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(toStream(data), tap, createWriteStream(tmp, { highWaterMark: 1 << 20 }));
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      const info: BlobInfo = { key, size, sha256: hash.digest('hex'), contentType };
      await writeFile(meta, JSON.stringify(info));
      return info;
    },
    async signedUrl(key, { expiresInSec }: SignedUrlOptions) {
      assertValidKey(key);
      if (!Number.isFinite(expiresInSec) || expiresInSec < 1 || expiresInSec > MAX_EXPIRY_SEC) {
        throw new RangeError(`expiresInSec must be 1–${MAX_EXPIRY_SEC}`);
      }
      const expires = Math.floor(clock.now() / 1000) + Math.ceil(expiresInSec);
      const path = key.split('/').map(encodeURIComponent).join('/');
      return `${baseUrl()}/${path}?expires=${expires}&signature=${signBlobUrl(opts.secret, key, expires)}`;
    },
    verifyUrl: (key, expires, signature) => checkBlobUrl(opts.secret, key, expires, signature, clock.now()),
    head,
    async get(key) {
      try {
        return await readFile(dataPath(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async stream(key, range) {
      const file = dataPath(key);
      try {
        await stat(file);
      } catch {
        return null;
      }
      return createReadStream(file, { ...range, highWaterMark: 1 << 20 });
    },
    async delete(key) {
      await rm(dataPath(key), { force: true });
      await rm(metaPath(key), { force: true });
    },
  };
}
