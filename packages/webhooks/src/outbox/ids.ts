import { randomBytes } from 'node:crypto';

// Crockford base32: ids sort by creation time as plain strings (ULID layout: 10 time + 16 random chars).
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** A sortable message id, e.g. `msg_01J9Z3K8Q4T5V6W7X8Y9Z0ABCD`. */
export function newMessageId(now: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (offset + 16 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[pool[offset++]! & 31];
  return `msg_${time}${rand}`;
}
