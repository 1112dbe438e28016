// Real redis-server and mosquitto for the transport tests: started on a free loopback port with their own
// data dir, restartable on the same port and data (the broker-restart faults). Suites run when the binary
// is installed, skip saying why when not, and fail instead under HOOKLAB_REQUIRE_SERVICES=1.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export const installed = (binary: string, arg = '--version'): boolean =>
  spawnSync(binary, [arg], { stdio: 'ignore' }).error === undefined;

/** A describe that needs `binary`: skipped with a reason, or failing under HOOKLAB_REQUIRE_SERVICES=1. */
export function serviceSuite(name: string, binary: string, body: () => void): void {
  if (installed(binary, binary === 'mosquitto' ? '-h' : '--version')) describe(name, body);
  else if (process.env.HOOKLAB_REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it(`needs ${binary}`, () => {
        throw new Error(
          `HOOKLAB_REQUIRE_SERVICES=1 but ${binary} is not installed (apt-get install ${binary})`,
        );
      });
    });
  } else {
    console.warn(`${name} — skipped: ${binary} not found`);
    describe.skip(`${name} (skipped: ${binary} not found)`, body);
  }
}

import { freePort } from '@hooklab/service/ports';

export { freePort };

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

async function waitForPort(port: number, child: ChildProcess, what: string) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

export interface ServiceProcess {
  url: string;
  port: number;
  /** Stops it (SIGTERM: redis and mosquitto write their data first) and starts it again, same port and data. */
  restart(): Promise<void>;
  /** Stops it without starting again (`start()` brings it back). */
  halt(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function managed(
  what: string,
  port: number,
  url: string,
  dir: string,
  launch: () => ChildProcess,
): ServiceProcess {
  let child: ChildProcess | null = null;
  const start = async () => {
    child = launch();
    await waitForPort(port, child, what);
  };
  const halt = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  return {
    url,
    port,
    start,
    halt,
    restart: async () => {
      await halt();
      await start();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** redis-server with AOF on (`appendfsync always`: an acknowledged XADD is on disk). */
export async function startRedisServer(): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-redis-'));
  const port = await freePort();
  const service = managed('redis-server', port, `redis://127.0.0.1:${port}`, dir, () =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    ),
  );
  await service.start();
  return service;
}

/** mosquitto with persistence on: sessions and queued QoS 1 messages survive a restart. */
export async function startMosquitto(): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hooklab-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // Run as root (CI), mosquitto would drop to user "mosquitto", which cannot write the temp dir.
      `user ${userInfo().username}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 100000',
      'log_dest none',
    ].join('\n'),
  );
  const service = managed('mosquitto', port, `mqtt://127.0.0.1:${port}`, dir, () =>
    spawn('mosquitto', ['-c', conf], { stdio: 'ignore' }),
  );
  await service.start();
  return service;
}
