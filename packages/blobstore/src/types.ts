import type { Readable } from 'node:stream';

/** What a stored blob is: its key, length in bytes, hex sha256 digest and content type. */
export interface BlobInfo {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
}

export interface PutOptions {
  contentType: string;
}

export interface SignedUrlOptions {
  /** Lifetime of the URL in seconds (1 s to 7 days). */
  expiresInSec: number;
}

export type BlobData = Buffer | Uint8Array | string | Readable;

/** A durable store of large results, handed out by signed, expiring URLs (the claim check of S07). */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores `data` under `key` (overwriting), computing its size and sha256 on the way. */
  put(key: string, data: BlobData, opts: PutOptions): Promise<BlobInfo>;
  /** A URL anyone may GET until it expires; any change to it makes it invalid. */
  signedUrl(key: string, opts: SignedUrlOptions): Promise<string>;
  /** Metadata of a blob, or null when there is none. */
  head(key: string): Promise<BlobInfo | null>;
  /** The whole blob in memory, or null. */
  get(key: string): Promise<Buffer | null>;
  /** The blob (or a byte range of it, inclusive) as a Node stream, or null. */
  stream(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  /** Removes a blob; absent blobs are fine. */
  delete(key: string): Promise<void>;
}

/** Longest life of a signed URL: 7 days, S3's presigning limit. Longer requests are refused (RangeError). */
export const MAX_EXPIRY_SEC = 7 * 24 * 3600;
