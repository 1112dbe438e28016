import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';

const ephemeralStart = () =>
  Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });

describe('freePort', () => {
  const held: Server[] = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('hands out ports below the kernel ephemeral range, each one bindable, none twice', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart());
      held.push(await listen(port));
    }
  });

  it('passes over a port something already listens on', async () => {
    const first = await freePort();
    // Occupy the next ports it would try, then ask again: it must not hand out any of them.
    const taken: number[] = [];
    for (let p = first + 1; p <= first + 5; p++) {
      try {
        held.push(await listen(p));
        taken.push(p);
      } catch {
        // already taken by someone else: just as good for this test
      }
    }
    const next = await freePort();
    expect(taken).not.toContain(next);
    held.push(await listen(next));
  });
});
