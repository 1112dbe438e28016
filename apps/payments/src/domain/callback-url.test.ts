import type { LookupFn } from '@hooklab/webhooks';
import { describe, expect, it } from 'vitest';
import { registrationUrlCheck } from './callback-url.ts';

const resolvesTo =
  (...addresses: string[]): LookupFn =>
  async () =>
    addresses.map((address) => ({ address }));
const unresolvable: LookupFn = async (host) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

describe('callback URLs at registration', () => {
  it('accepts a public name, and a name that does not resolve from here (judged at send time)', async () => {
    const check = registrationUrlCheck({ allowLoopback: false, lookup: unresolvable });
    expect(await check('https://example.com/hook')).toEqual({ ok: true });
    const pub = registrationUrlCheck({ allowLoopback: false, lookup: resolvesTo('93.184.215.14') });
    expect(await pub('https://example.com/hook')).toEqual({ ok: true });
  });

  it('refuses what is certainly internal: literal private addresses and names resolving to them', async () => {
    const check = registrationUrlCheck({ allowLoopback: false, lookup: resolvesTo('10.1.2.3') });
    for (const url of [
      'http://10.0.0.1/hook',
      'http://192.168.1.20/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://127.0.0.1:3001/webhooks/stripe',
      'https://internal.example.com/hook',
      'http://metadata.google.internal/',
    ]) {
      expect(await check(url), url).toMatchObject({ ok: false });
    }
    const loopbackOk = registrationUrlCheck({ allowLoopback: true, lookup: unresolvable });
    expect(await loopbackOk('http://127.0.0.1:3001/webhooks/stripe')).toEqual({ ok: true });
  });
});
