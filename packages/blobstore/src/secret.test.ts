import { describe, expect, it } from 'vitest';
import { blobSecretProblem, checkBlobUrl, DEV_BLOB_SECRET, MAX_EXPIRY_SEC, signBlobUrl } from './index.ts';

describe('blob URL secrets and lifetimes', () => {
  it('refuses the shipped dev secret outside dev mode only', () => {
    expect(blobSecretProblem(DEV_BLOB_SECRET, { dev: false })).toMatch(/built-in dev secret/);
    expect(blobSecretProblem(DEV_BLOB_SECRET, { dev: true })).toBeUndefined();
    expect(blobSecretProblem('a-secret-of-my-own-0123456789', { dev: false })).toBeUndefined();
  });

  it('refuses a correctly signed link that would live longer than 7 days', () => {
    const now = Date.UTC(2026, 10, 29);
    const nowSec = now / 1000;
    const sign = (expires: number) => signBlobUrl('secret-for-this-test', 'k.txt', expires);
    const check = (expires: number) =>
      checkBlobUrl('secret-for-this-test', 'k.txt', String(expires), sign(expires), now);
    expect(check(nowSec + MAX_EXPIRY_SEC)).toBe('ok');
    expect(check(nowSec + 365 * 24 * 3600)).toBe('tampered');
  });
});
