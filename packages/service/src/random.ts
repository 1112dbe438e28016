import { randomFillSync } from 'node:crypto';

// One syscall fills 4 KB of randomness for many ids; per-call randomBytes showed up in request profiles.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** Random lowercase hex of `bytes` bytes. */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return out;
}

/** One random byte from the pool (for rejection sampling, e.g. unbiased base62). */
export function randomByte(): number {
  if (offset >= POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}
