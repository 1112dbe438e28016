import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Slack-looking id: the prefix letter (U, C, B, A, T…) and 10 upper-case letters and digits. */
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** The same id for the same seed text, so a seeded workspace keeps its ids across restarts and env. */
export function stableId(prefix: string, seed: string, length = 10): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < length; i++) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export const randomSecret = (bytes = 16) => randomBytes(bytes).toString('hex');

/** Message timestamps: `seconds.micros`, unique and increasing within this process. */
export function createTsClock(now: () => number) {
  let last = 0;
  return (): string => {
    const micros = Math.max(now() * 1000, last + 1);
    last = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };
}

/** Orders two `seconds.micros` timestamps. */
export function compareTs(a: string, b: string): number {
  const [as, au = '0'] = a.split('.');
  const [bs, bu = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(au) - Number(bu);
}
