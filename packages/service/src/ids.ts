import { randomByte } from './random.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 string of `length` characters (unbiased: bytes ≥ 248 are skipped). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

/** A prefixed id such as `ord_4fZ…`: readable in logs and diagrams, unguessable. */
export function newId(prefix: string, length = 24): string {
  if (!/^[a-z][a-z0-9]*$/.test(prefix))
    throw new TypeError(`id prefix must be lowercase alphanumeric, got ${prefix}`);
  return `${prefix}_${randomBase62(length)}`;
}

/** True when `id` looks like an id made by `newId(prefix)`. */
export function isId(prefix: string, id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.startsWith(`${prefix}_`) &&
    /^[A-Za-z0-9]+$/.test(id.slice(prefix.length + 1))
  );
}
