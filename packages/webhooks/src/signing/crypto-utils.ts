import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.ts';

/** A raw request body: the exact bytes that were signed. */
export type WebhookBody = string | Uint8Array;

/** Any header container: fetch `Headers`, Node's `IncomingHttpHeaders`, or a plain record. */
export type HeaderSource =
  | Headers
  | { readonly [name: string]: string | readonly string[] | number | undefined | null };

/** `now` for tests: epoch milliseconds or a Date; defaults to the clock. */
export type NowInput = number | Date;

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Longer signature headers are refused before any parsing (no provider sends more than a few hundred bytes). */
export const MAX_HEADER_LENGTH = 8192;

export const DEFAULT_TOLERANCE_SEC = 300;

export function bodyBytes(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new WebhookVerificationError(
    'invalid_body',
    'body must be the raw request body as a string or Uint8Array',
  );
}

export function hmac(algorithm: HmacAlgorithm, key: Uint8Array | string, ...parts: Uint8Array[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Constant-time string compare; unequal lengths return early (length is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function secretList(secrets: unknown): string[] {
  const list = typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? secrets : undefined;
  if (!list || list.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'at least one secret is required');
  }
  for (const secret of list) {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new WebhookVerificationError('invalid_secret', 'secrets must be non-empty strings');
    }
  }
  return list as string[];
}

/** Reads one header case-insensitively; a repeated header yields its first value. */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  let value: unknown;
  if (headers instanceof Headers) {
    value = headers.get(name);
  } else {
    const wanted = name.toLowerCase();
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === wanted) {
        value = (headers as Record<string, unknown>)[key];
        break;
      }
    }
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') value = String(value);
  return typeof value === 'string' ? value : undefined;
}

export function requireHeader(headers: unknown, name: string): string {
  const value = readHeader(headers, name)?.trim();
  if (!value) throw new WebhookVerificationError('missing_header', `missing ${name} header`);
  if (value.length > MAX_HEADER_LENGTH) {
    throw new WebhookVerificationError(
      'malformed_header',
      `${name} header is longer than ${MAX_HEADER_LENGTH} bytes`,
    );
  }
  return value;
}

export function nowMs(now: unknown): number {
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new WebhookVerificationError(
      'invalid_argument',
      '`now` must be epoch milliseconds or a valid Date',
    );
  }
  return ms;
}

export function parseTimestampSec(value: string, headerName: string): number {
  if (!/^\d{1,12}$/.test(value)) {
    throw new WebhookVerificationError('malformed_header', `${headerName} must be unix seconds`);
  }
  return Number(value);
}

/** Refuses stale and far-future timestamps alike: a clock skewed forward would otherwise widen the replay window. */
export function checkTimestamp(timestampSec: number, toleranceSec: unknown, now: unknown): void {
  const tolerance = toleranceSec === undefined ? DEFAULT_TOLERANCE_SEC : toleranceSec;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new WebhookVerificationError('invalid_argument', 'toleranceSec must be a non-negative number');
  }
  const nowSec = Math.floor(nowMs(now) / 1000);
  if (nowSec - timestampSec > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `timestamp is ${nowSec - timestampSec} s old; the tolerance is ${tolerance} s`,
    );
  }
  if (timestampSec - nowSec > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `timestamp is ${timestampSec - nowSec} s in the future; the tolerance is ${tolerance} s`,
    );
  }
}

export function checkTimestampSecInput(timestampSec: unknown): number {
  if (typeof timestampSec !== 'number' || !Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new WebhookVerificationError(
      'invalid_argument',
      'timestampSec must be a non-negative integer (unix seconds)',
    );
  }
  return timestampSec;
}
