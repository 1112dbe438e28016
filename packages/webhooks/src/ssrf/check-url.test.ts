import { describe, expect, it } from 'vitest';
import { assertSafeUrl, type CheckUrlResult, checkUrl, type LookupFn, UnsafeUrlError } from './check-url.ts';
import { classifyAddress } from './ip-ranges.ts';

function fakeLookup(table: Record<string, string[]>): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}

const lookup = fakeLookup({
  'example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example.com': ['10.1.2.3'],
  'mixed.example.com': ['93.184.215.14', '192.168.1.10'],
  'rebind.example.com': ['93.184.215.14', '::ffff:169.254.169.254'],
  localhost: ['127.0.0.1', '::1'],
  'shop.localhost': ['127.0.0.1'],
  'partner.test': ['10.0.0.7'],
  'api.partner.test': ['10.0.0.8'],
  'empty.example.com': [],
});

function codeOf(result: CheckUrlResult): string {
  return result.ok ? 'ok' : result.code;
}

describe('checkUrl: schemes and URL shape', () => {
  it('accepts public http(s) URLs and returns the resolved addresses to pin', async () => {
    const result = await checkUrl('https://example.com/hooks?x=1', { lookup });
    expect(result).toEqual({
      ok: true,
      url: new URL('https://example.com/hooks?x=1'),
      addresses: ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    });
  });

  it('refuses other schemes unless allowSchemes lists them', async () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://example.com/',
      'javascript:alert(1)',
    ]) {
      expect(codeOf(await checkUrl(url, { lookup }))).toBe('unsupported_scheme');
    }
    expect(codeOf(await checkUrl('https://example.com/', { lookup, allowSchemes: ['http'] }))).toBe(
      'unsupported_scheme',
    );
    const mail = await checkUrl('mailto:ops@example.com', { lookup, allowSchemes: ['https:', 'mailto'] });
    expect(mail).toMatchObject({ ok: true, addresses: [] });
  });

  it('refuses unparsable URLs and credentials', async () => {
    expect(codeOf(await checkUrl('not a url', { lookup }))).toBe('invalid_url');
    expect(codeOf(await checkUrl('http://', { lookup }))).toBe('invalid_url');
    expect(codeOf(await checkUrl('https://user:pass@example.com/', { lookup }))).toBe('invalid_url');
    expect(codeOf(await checkUrl('https://user@example.com/', { lookup }))).toBe('invalid_url');
  });
});

describe('checkUrl: address literals', () => {
  it.each([
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'shared'],
    ['http://100.100.100.200/', 'shared'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://[fc00::1]/', 'private'],
    ['http://[fd00:ec2::254]/', 'private'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::]/', 'unspecified'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'],
    ['http://[64:ff9b::10.0.0.1]/', 'private'],
    ['http://[2002:a9fe:a9fe::1]/', 'link-local'],
    ['http://[::10.0.0.1]/', 'reserved'],
    ['http://[::ffff:0:10.0.0.1]/', 'private'], // SIIT IPv4-translated
    ['http://[::ffff:0:a9fe:a9fe]/', 'link-local'],
    ['http://[::ffff:0:7f00:1]/', 'loopback'],
    ['http://192.88.99.1/', 'reserved'], // 6to4 relay anycast
    ['http://[2002:c058:6301::1]/', 'reserved'], // the same, through 6to4
    ['http://[3fff::1]/', 'reserved'],
    ['http://3232235777/', 'private'], // 192.168.1.1 as one decimal number
    ['http://0xa9.0xfe.0xa9.0xfe/', 'link-local'],
    ['http://0251.0376.0251.0376/', 'link-local'],
    ['http://10.1/', 'private'],
  ])('refuses %s (%s)', async (url, category) => {
    const result = await checkUrl(url, { lookup });
    expect(result).toMatchObject({ ok: false, code: 'ssrf_blocked' });
    expect(result.ok ? '' : result.reason).toContain(category);
    expect(lookup.calls).not.toContain(new URL(url).hostname);
  });

  it('accepts public literals', async () => {
    expect(await checkUrl('http://93.184.215.14:8080/x', { lookup })).toMatchObject({
      ok: true,
      addresses: ['93.184.215.14'],
    });
    expect(await checkUrl('http://[2606:4700::1111]/', { lookup })).toMatchObject({
      ok: true,
      addresses: ['2606:4700::1111'],
    });
  });
});

describe('checkUrl: loopback', () => {
  it.each([
    'http://127.0.0.1:4001/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:3000/hooks',
  ])('refuses %s by default and allows it with allowLoopback: true', async (url) => {
    expect(codeOf(await checkUrl(url, { lookup }))).toBe('ssrf_blocked');
    expect(codeOf(await checkUrl(url, { lookup, allowLoopback: true }))).toBe('ok');
  });

  it('treats *.localhost as loopback without asking DNS when loopback is refused', async () => {
    const local = fakeLookup({});
    const result = await checkUrl('http://shop.localhost/', { lookup: local });
    expect(result).toMatchObject({ ok: false, code: 'ssrf_blocked' });
    expect(local.calls).toEqual([]);
    expect(codeOf(await checkUrl('http://shop.localhost/', { lookup, allowLoopback: true }))).toBe('ok');
  });
});

describe('checkUrl: DNS', () => {
  it('refuses a name resolving to a private address', async () => {
    const result = await checkUrl('https://internal.example.com/', { lookup });
    expect(result).toEqual({
      ok: false,
      code: 'ssrf_blocked',
      reason: 'internal.example.com resolves to 10.1.2.3, a private address',
    });
  });

  it('refuses when ANY resolved address is blocked, including IPv4-mapped forms', async () => {
    expect(codeOf(await checkUrl('https://mixed.example.com/', { lookup }))).toBe('ssrf_blocked');
    expect(codeOf(await checkUrl('https://rebind.example.com/', { lookup }))).toBe('ssrf_blocked');
  });

  it('refuses metadata hostnames by name, trailing dot or not', async () => {
    for (const url of [
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://METADATA.google.internal./',
      'http://instance-data/latest/',
    ]) {
      expect(codeOf(await checkUrl(url, { lookup }))).toBe('ssrf_blocked');
    }
  });

  it('reports resolution failures as dns_error', async () => {
    expect(await checkUrl('https://nope.example.com/', { lookup })).toEqual({
      ok: false,
      code: 'dns_error',
      reason: 'could not resolve nope.example.com (ENOTFOUND)',
    });
    expect(codeOf(await checkUrl('https://empty.example.com/', { lookup }))).toBe('dns_error');
  });
});

describe('checkUrl: allowList', () => {
  it('always allows listed hosts, *.suffixes, addresses and CIDRs', async () => {
    expect(await checkUrl('http://partner.test/', { lookup, allowList: ['partner.test'] })).toMatchObject({
      ok: true,
      addresses: ['10.0.0.7'],
    });
    expect(
      codeOf(await checkUrl('http://api.partner.test/', { lookup, allowList: ['*.partner.test'] })),
    ).toBe('ok');
    expect(codeOf(await checkUrl('http://api.partner.test/', { lookup, allowList: ['partner.test'] }))).toBe(
      'ssrf_blocked',
    );
    expect(codeOf(await checkUrl('http://10.0.0.9/', { lookup, allowList: ['10.0.0.0/24'] }))).toBe('ok');
    expect(codeOf(await checkUrl('http://10.0.1.9/', { lookup, allowList: ['10.0.0.0/24'] }))).toBe(
      'ssrf_blocked',
    );
    expect(codeOf(await checkUrl('http://internal.example.com/', { lookup, allowList: ['10.1.2.3'] }))).toBe(
      'ok',
    );
    expect(codeOf(await checkUrl('http://[fd00::5]/', { lookup, allowList: ['fd00::/8'] }))).toBe('ok');
    expect(codeOf(await checkUrl('http://127.0.0.1/', { lookup, allowList: ['127.0.0.1'] }))).toBe('ok');
    expect(
      codeOf(
        await checkUrl('http://metadata.google.internal/', {
          lookup: fakeLookup({ 'metadata.google.internal': ['169.254.169.254'] }),
          allowList: ['metadata.google.internal'],
        }),
      ),
    ).toBe('ok');
  });

  it('ignores malformed CIDRs instead of allowing everything', async () => {
    expect(
      codeOf(
        await checkUrl('http://10.0.0.1/', { lookup, allowList: ['10.0.0.0/99', '0.0.0.0/x', ' ', ''] }),
      ),
    ).toBe('ssrf_blocked');
  });
});

describe('assertSafeUrl', () => {
  it('returns the URL and addresses, or throws UnsafeUrlError with a code', async () => {
    await expect(assertSafeUrl('https://example.com/', { lookup })).resolves.toMatchObject({
      addresses: ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    });
    const refused = await assertSafeUrl('http://169.254.169.254/', { lookup }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(UnsafeUrlError);
    expect(refused).toMatchObject({ code: 'ssrf_blocked', name: 'UnsafeUrlError' });
    await expect(assertSafeUrl('ftp://example.com/', { lookup })).rejects.toMatchObject({
      code: 'unsupported_scheme',
    });
    await expect(assertSafeUrl('::::', { lookup })).rejects.toMatchObject({ code: 'invalid_url' });
  });
});

describe('classifyAddress', () => {
  it('names ranges and returns null for public unicast', () => {
    expect(classifyAddress('127.0.0.53')).toBe('loopback');
    expect(classifyAddress('fe80::1%eth0')).toBe('link-local');
    expect(classifyAddress('8.8.8.8')).toBeNull();
    expect(classifyAddress('2001:4860:4860::8888')).toBeNull();
    expect(classifyAddress('not-an-ip')).toBeNull();
  });
});
