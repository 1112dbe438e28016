// Exercise 08's guiding checks, with a fake DNS (no network): each refused URL is a real attack's spelling.
import { isIP } from 'node:net';
import { type Checks, ensure, same } from '../kit/check.ts';
import type * as Impl from './solution/callback-url.ts';

const DNS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  localhost: ['127.0.0.1', '::1'],
  'internal.example.com': ['10.1.2.3'],
  // DNS rebinding: one public address to pass a check, one internal to be called.
  'rebind.example.com': ['93.184.216.34', '169.254.169.254'],
};
const lookup = async (host: string) => {
  // Like getaddrinfo: an address literal resolves to itself.
  if (isIP(host.replace(/^\[|\]$/g, ''))) return [host.replace(/^\[|\]$/g, '')];
  const a = DNS[host];
  if (!a) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return a;
};

async function refused(impl: typeof Impl, url: string, why: string, allowLoopback = false) {
  const v = await impl.checkCallbackUrl(url, { lookup, allowLoopback });
  ensure(!v.ok, `${url} was accepted: ${why}`);
}

export const suite: Checks<typeof Impl> = {
  checks: [
    {
      name: 'accepts a public https URL, with the addresses it resolved',
      async run(impl) {
        same(
          await impl.checkCallbackUrl('https://hooks.example.com/stripe', { lookup }),
          { ok: true, addresses: ['93.184.216.34'] },
          'a public URL passes, with its addresses (the sender connects to exactly these: no second DNS answer)',
        );
      },
    },
    {
      name: 'refuses the plain internal addresses',
      async run(impl) {
        await refused(impl, 'http://127.0.0.1:3001/', 'that is this machine (loopback)');
        await refused(impl, 'http://10.0.0.5/hook', 'that is a private network (10/8)');
        await refused(
          impl,
          'http://169.254.169.254/latest/meta-data/',
          'that is the cloud metadata service (credentials!)',
        );
      },
    },
    {
      name: 'refuses the tricky spellings of 127.0.0.1',
      async run(impl) {
        await refused(
          impl,
          'http://0x7f.0.0.1/',
          'it is 127.0.0.1 spelled in hex. Parse with new URL() (it normalises 0x7f.1, 2130706433, 0177.0.0.1 to 127.0.0.1) and check the address, not the text',
        );
        await refused(impl, 'http://2130706433/', 'it is 127.0.0.1 as one decimal number');
        await refused(impl, 'http://0177.0.0.1/', 'it is 127.0.0.1 in octal');
        await refused(impl, 'http://127.1/', 'it is 127.0.0.1 with the zeros left out');
        await refused(
          impl,
          'http://hooks.example.com@127.0.0.1/',
          'the host is 127.0.0.1: hooks.example.com is only a user name (userinfo)',
        );
        await refused(impl, 'http://[::1]/', 'it is IPv6 loopback');
        await refused(
          impl,
          'http://[::ffff:127.0.0.1]/',
          'it is 127.0.0.1 mapped into IPv6 (URL writes it [::ffff:7f00:1])',
        );
        await refused(impl, 'http://0.0.0.0:3001/', '0.0.0.0 reaches this machine on most systems');
      },
    },
    {
      name: 'refuses every private range, IPv4 and IPv6',
      async run(impl) {
        for (const url of [
          'http://172.16.5.4/',
          'http://172.31.255.255/',
          'http://192.168.1.1/',
          'http://100.64.0.1/',
          'http://[fd00::1]/',
          'http://[fe80::1]/',
        ])
          await refused(impl, url, 'it is in a private, shared or link-local range');
        same(
          (await impl.checkCallbackUrl('http://172.32.0.1/', { lookup })).ok,
          true,
          '172.32.0.1 is public (172.16/12 ends at 172.31.255.255): block the ranges, not a prefix of text',
        );
      },
    },
    {
      name: 'checks what a name resolves to: every address',
      async run(impl) {
        await refused(impl, 'http://localhost:3001/', 'localhost resolves to 127.0.0.1');
        await refused(
          impl,
          'https://internal.example.com/',
          'its DNS answer is 10.1.2.3: a public-looking name can point inside',
        );
        await refused(
          impl,
          'https://rebind.example.com/',
          'one of its addresses is 169.254.169.254: check every address, not the first',
        );
        await refused(
          impl,
          'https://nowhere.example.com/',
          'a name that does not resolve cannot be called: refuse it (do not throw)',
        );
      },
    },
    {
      name: 'only http and https',
      async run(impl) {
        await refused(impl, 'file:///etc/passwd', 'a callback is an HTTP URL: refuse file:, gopher:, ftp:…');
        await refused(impl, 'gopher://hooks.example.com/', 'a callback is an HTTP URL: refuse other schemes');
        await refused(impl, 'not a url', 'it is not an absolute URL');
      },
    },
    {
      name: 'dev mode: loopback allowed, the rest still refused',
      async run(impl) {
        const dev = { lookup, allowLoopback: true };
        same(
          (await impl.checkCallbackUrl('http://localhost:3001/hooks', dev)).ok,
          true,
          'with allowLoopback (pnpm dev), http://localhost:3001 is fine',
        );
        same(
          (await impl.checkCallbackUrl('http://10.0.0.5/', dev)).ok,
          false,
          'allowLoopback allows loopback only: 10.0.0.5 stays refused',
        );
      },
    },
  ],
};
