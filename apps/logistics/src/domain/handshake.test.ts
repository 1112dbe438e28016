import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkUrl } from '@hooklab/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateWebhookOrigin } from './handshake.ts';

let server: http.Server;
let port = 0;
let requests = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'webhook-allowed-origin': String(req.headers['webhook-request-origin']) }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// A name only the guard's resolver knows: the OPTIONS request can only reach the checked address.
const check = (url: string) =>
  checkUrl(url, {
    allowLoopback: true,
    lookup: async (host) => (host === 'third.invalid' ? [{ address: '127.0.0.1', family: 4 }] : []),
  });

describe('validateWebhookOrigin', () => {
  it('sends the handshake to the address the SSRF check resolved (no second DNS answer)', async () => {
    const result = await validateWebhookOrigin({
      fetch: globalThis.fetch,
      check,
      url: `http://third.invalid:${port}/hooks`,
      origin: 'logistics.test',
    });
    expect(result).toMatchObject({ allowed: true, status: 200 });
  });

  it('sends nothing to a URL the check refuses', async () => {
    const before = requests;
    const result = await validateWebhookOrigin({
      fetch: globalThis.fetch,
      check: (url) => checkUrl(url),
      url: `http://127.0.0.1:${port}/hooks`,
      origin: 'logistics.test',
    });
    expect(result).toMatchObject({ allowed: false, status: null });
    expect(result.reason).toMatch(/loopback/);
    expect(requests).toBe(before);
  });
});
