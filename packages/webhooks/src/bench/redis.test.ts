import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRedis } from './redis.ts';
import { redisSuite } from './redis-test-env.ts';

/** Running, and not a zombie waiting for a reaper (orphans here may never be reaped). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const REDIS_TS = fileURLToPath(new URL('./redis.ts', import.meta.url));
const REDIS_CHILD = fileURLToPath(new URL('./redis-child.mjs', import.meta.url));
// Stands in for the bench: starts Redis, prints where it is, then waits to be killed (60 s at most).
const OWNER = `
const { startRedis } = await import(${JSON.stringify(REDIS_TS)});
const started = await startRedis();
if (!started.ok) { console.error(started.reason); process.exit(1); }
console.log(JSON.stringify({ pid: started.redis.pid, dir: started.redis.dir }));
setTimeout(() => process.exit(1), 60_000);
`;

async function startOwner(detached: boolean) {
  const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', OWNER], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached,
  });
  const where = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
    owner.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
    owner.once('exit', (code) => reject(new Error(`owner exited with ${code}`)));
  });
  return { owner, ...where };
}

const owners: ChildProcess[] = [];
afterEach(() => {
  for (const o of owners.splice(0)) if (o.exitCode === null && o.signalCode === null) o.kill('SIGKILL');
});

redisSuite("the bench's redis-server", () => {
  it('runs on loopback with AOF everysec and no snapshots in its own dir; stop() ends it and removes the dir', async () => {
    const started = await startRedis();
    if (!started.ok) throw new Error(started.reason);
    const { redis } = started;
    const client = new Redis({ host: redis.host, port: redis.port });
    try {
      const config = async (name: string) => ((await client.config('GET', name)) as string[])[1];
      expect(redis.host).toBe('127.0.0.1');
      expect(await config('appendonly')).toBe('yes');
      expect(await config('appendfsync')).toBe('everysec');
      expect(await config('save')).toBe('');
      expect(await config('dir')).toBe(redis.dir);
      expect(await config('maxmemory-policy')).toBe('noeviction');
    } finally {
      client.disconnect();
      await redis.stop();
    }
    expect(alive(redis.pid)).toBe(false);
    expect(existsSync(redis.dir)).toBe(false);
  });

  it('stops when the bench is killed with SIGKILL (no handler of its own runs)', async () => {
    const { owner, pid, dir } = await startOwner(false);
    owners.push(owner);
    expect(alive(pid)).toBe(true);
    owner.kill('SIGKILL');
    await vi.waitFor(
      () => {
        expect(alive(pid)).toBe(false);
        expect(existsSync(dir)).toBe(false);
      },
      { timeout: 15_000, interval: 50 },
    );
  });

  it('does not start (or stops) Redis when the bench is gone before the supervisor has loaded', async () => {
    // The bench forks the supervisor and dies at once: the IPC channel closes while the module loads.
    const forkAndExit = `const { fork } = require('node:child_process');
      const c = fork(${JSON.stringify(REDIS_CHILD)}, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
      console.log(c.pid); process.exit(0);`;
    const out = await new Promise<string>((resolve, reject) => {
      const owner = spawn(process.execPath, ['-e', forkAndExit], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      owner.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
      });
      owner.once('exit', () => resolve(text));
      owner.once('error', reject);
    });
    const supervisor = Number(out.trim());
    expect(supervisor).toBeGreaterThan(0);
    await vi.waitFor(() => expect(alive(supervisor)).toBe(false), { timeout: 15_000, interval: 50 });
  });

  it('stops on Ctrl-C, which signals the whole process group', async () => {
    const { owner, pid, dir } = await startOwner(true);
    owners.push(owner);
    process.kill(-owner.pid!, 'SIGINT');
    await vi.waitFor(
      () => {
        expect(alive(pid)).toBe(false);
        expect(existsSync(dir)).toBe(false);
      },
      { timeout: 15_000, interval: 50 },
    );
  });
});

describe("the bench's redis-server, when it is not installed", () => {
  it('gives the reason the bench prints in its row', async () => {
    expect(await startRedis({ binary: '/nonexistent/redis-server' })).toEqual({
      ok: false,
      reason: 'redis-server not found',
    });
  });
});
