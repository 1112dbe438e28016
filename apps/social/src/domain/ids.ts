import { randomInt } from 'node:crypto';

/** A numeric string id like X's (19 digits, never starting with 0). */
export function numericId(): string {
  let s = String(randomInt(1, 10));
  while (s.length < 19) s += String(randomInt(0, 10));
  return s;
}
