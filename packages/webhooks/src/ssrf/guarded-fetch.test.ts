import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrl, UnsafeUrlError } from './check-url.ts';
import { guardedFetch } from './guarded-fetch.ts';

let server: http.Server;
let port = 0;
const hits: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    if (req.url === '/moved') return void res.writeHead(302, { location: '/elsewhere' }).end();
    res.end(`hello ${req.headers.host}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// A name only this lookup knows: the request can reach the server only through the checked address.
const lookups: string[] = [];
const check = (url: string) =>
  checkUrl(url, {
    allowLoopback: true,
    lookup: async (host) => {
      lookups.push(host);
      return host === 'hooks.invalid' ? [{ address: '127.0.0.1', family: 4 }] : [];
    },
  });

describe('guardedFetch', () => {
  it('connects to the address the check resolved, not to a fresh DNS answer', async () => {
    lookups.length = 0;
    const res = await guardedFetch(`http://hooks.invalid:${port}/x`, {}, { check });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`hello hooks.invalid:${port}`);
    expect(lookups).toEqual(['hooks.invalid']);
  });

  it('refuses an unsafe URL without sending anything', async () => {
    let sent = 0;
    const refused = await guardedFetch(
      'http://169.254.169.254/latest/meta-data/',
      {},
      {
        fetch: async (...args) => {
          sent++;
          return fetch(...args);
        },
      },
    ).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(UnsafeUrlError);
    expect(refused).toMatchObject({ code: 'ssrf_blocked' });
    expect(sent).toBe(0);
  });

  it('refuses loopback unless the options allow it (the guard default)', async () => {
    const before = hits.length;
    await expect(guardedFetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ssrf_blocked' });
    expect(hits.length).toBe(before);
    const res = await guardedFetch(`http://127.0.0.1:${port}/`, {}, { ssrf: { allowLoopback: true } });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it('never follows a redirect and goes through the given fetch', async () => {
    const seen: string[] = [];
    const res = await guardedFetch(
      `http://hooks.invalid:${port}/moved`,
      { redirect: 'follow' },
      {
        check,
        fetch: (input, init) => {
          seen.push(String(input));
          return fetch(input, init);
        },
      },
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/elsewhere');
    expect(seen).toEqual([`http://hooks.invalid:${port}/moved`]);
    expect(hits).not.toContain(`hooks.invalid:${port}/elsewhere`);
  });
});
