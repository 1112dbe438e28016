import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const pool = Buffer.alloc(8192);
let offset = pool.length;

// One randomFillSync per 8 KB instead of one per id: on a busy host, per-call getrandom showed up
// as ~10% of a create+confirm in profiles. Same alphabet and rejection sampling as newId.
function nextByte(): number {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

/** A random base62 string of `length` characters (unbiased: bytes ≥ 248 are skipped). */
export function randomId(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = nextByte();
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

/** `pi_…`, `ch_…`, `evt_…`: a prefixed 24-character id, like newId from @hooklab/service. */
export function objectId(prefix: string): string {
  return `${prefix}_${randomId(24)}`;
}
