import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { baseConfigSchema, createServiceApp, httpTimeoutsOf, loadConfig, serve } from './index.ts';

/** Opens a raw socket, sends `head`, then one byte every `everyMs`; resolves with all it got once the server ends it. */
function trickle(port: number, head: string, body: string, everyMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < body.length && socket.writable) socket.write(body[sent++]!);
    }, everyMs);
    socket.on('data', (d) => {
      received += d;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
    socket.write(head);
  });
}

describe('serve() against slow clients', () => {
  it('answers 408 and closes a connection whose body trickles in (instead of holding it for minutes)', async () => {
    const logs: { level: string; msg: string }[] = [];
    const logger = {
      error: (_: unknown, msg: string) => logs.push({ level: 'error', msg }),
      info: (_: unknown, msg: string) => logs.push({ level: 'info', msg }),
      warn() {},
      debug() {},
    } as never;
    const app = createServiceApp({ name: 'slow', logger });
    app.post('/orders', async (c) => c.json({ length: (await c.req.text()).length }));
    const server = await serve({ app, port: 0, timeouts: { requestMs: 300, headersMs: 300 } });
    try {
      // 200 bytes at one per 100 ms would take 20 s; Node's default request timeout is 300 s.
      const answer = await trickle(
        server.port,
        'POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 200\r\n\r\n',
        'x'.repeat(200),
        100,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      // The handler whose body was cut off is logged as the client's doing, not as an error of ours.
      await expect.poll(() => logs.map((l) => l.msg)).toContain('client went away');
      expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('answers 408 to headers sent a byte at a time', async () => {
    const app = createServiceApp({ name: 'slow' });
    const server = await serve({ app, port: 0, timeouts: { requestMs: 2000, headersMs: 300 } });
    try {
      const answer = await trickle(server.port, 'G', 'ET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 100);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await server.close();
    }
  });

  it('takes its limits from the config (HTTP_*_TIMEOUT_MS), 30 s per request by default', () => {
    expect(httpTimeoutsOf(loadConfig(baseConfigSchema, {}))).toEqual({
      requestMs: 30_000,
      headersMs: 10_000,
      keepAliveMs: 5_000,
    });
    const cfg = loadConfig(baseConfigSchema, {
      HTTP_REQUEST_TIMEOUT_MS: '5000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '0',
    });
    expect(httpTimeoutsOf(cfg)).toMatchObject({ requestMs: 5000, keepAliveMs: 0 });
    expect(() => loadConfig(baseConfigSchema, { HTTP_REQUEST_TIMEOUT_MS: '10' })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS/,
    );
  });
});
