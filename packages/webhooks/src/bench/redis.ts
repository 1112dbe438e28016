// A throwaway redis-server for the bench's BullMQ peer, run through redis-child.mjs so that it stops
// on every exit path of the bench, SIGKILL included (the child notices the IPC channel close).
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

export interface RedisInstance {
  host: string;
  port: number;
  /** Redis' working dir (AOF lives in `appendonlydir/` under it); removed on stop. */
  dir: string;
  pid: number;
  /** Resolves once redis-server has exited and its dir is gone. */
  stop(): Promise<void>;
}

export type RedisStart = { ok: true; redis: RedisInstance } | { ok: false; reason: string };

type ChildMessage =
  | { type: 'ready'; host: string; port: number; dir: string; pid: number }
  | { type: 'not-found' }
  | { type: 'port-taken' }
  | { type: 'failed'; reason: string; log?: string }
  | { type: 'exited'; reason: string };

const START_TIMEOUT_MS = 20_000;

/** Starts redis-server (AOF everysec, no RDB snapshots) on a free loopback port; `ok: false` says why not. */
export async function startRedis(options: { binary?: string } = {}): Promise<RedisStart> {
  const child: ChildProcess = fork(new URL('./redis-child.mjs', import.meta.url), [options.binary ?? ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [], // plain JS: none of the parent's flags (tsx, --input-type) apply to it
  });
  const first = await new Promise<ChildMessage>((resolve) => {
    const timer = setTimeout(
      () => resolve({ type: 'failed', reason: 'no answer from redis-child in time' }),
      START_TIMEOUT_MS,
    );
    child.once('message', (m: ChildMessage) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ type: 'failed', reason: `redis-child exited with ${code}` });
    });
  });
  if (first.type !== 'ready') {
    child.kill();
    if (first.type === 'not-found') return { ok: false, reason: 'redis-server not found' };
    const reason = 'reason' in first ? first.reason : 'no free port';
    return { ok: false, reason: `redis-server did not start: ${reason}` };
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    ok: true,
    redis: {
      host: first.host,
      port: first.port,
      dir: first.dir,
      pid: first.pid,
      stop: async () => {
        if (child.connected) child.send({ type: 'stop' });
        else child.kill();
        await exited;
      },
    },
  };
}

export interface RedisMemory {
  usedMemory: number;
  usedMemoryRss: number;
}

/** `INFO memory`'s used_memory (what Redis allocated) and used_memory_rss (what the OS sees), in bytes. */
export async function redisMemory(client: Redis): Promise<RedisMemory> {
  const info = await client.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return { usedMemory: field('used_memory'), usedMemoryRss: field('used_memory_rss') };
}

/** Bytes of every file under `dir` (the AOF directory, a SQLite database with its -wal and -shm). */
export function filesBytes(dir: string, filter: (name: string) => boolean = () => true): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += filesBytes(path, filter);
    else if (entry.isFile() && filter(entry.name)) total += statSync(path).size;
  }
  return total;
}
