// The bench's Redis, owned by this small process: redis-server on a free loopback port with its own temp
// dir. Whichever way the bench ends (done, error, Ctrl-C, even SIGKILL) the IPC channel closes and Redis
// is shut down here, then its dir removed. Messages to the parent: ready | not-found | failed | exited.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const binary = process.argv[2] || 'redis-server';
const dir = mkdtempSync(join(tmpdir(), 'hooklab-bench-redis-'));
const PORT_TRIES = 5;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
let redis = null;
let stopping = false;

const send = (message) => {
  if (process.connected) process.send(message);
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function launch(port) {
  return new Promise((resolve) => {
    const child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    redis = child;
    let log = '';
    const timer = setTimeout(
      () => finish({ type: 'failed', reason: 'no "Ready" line in time', log }),
      START_TIMEOUT_MS,
    );
    const finish = (result) => {
      clearTimeout(timer);
      resolve({ child, result });
    };
    const onData = (chunk) => {
      if (log.length < 16_384) log += chunk.toString();
      if (/Ready to accept connections/.test(log)) finish({ type: 'ready' });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) =>
      finish(err.code === 'ENOENT' ? { type: 'not-found' } : { type: 'failed', reason: err.message }),
    );
    child.once('exit', (code) =>
      finish(
        /Address already in use/.test(log)
          ? { type: 'port-taken' }
          : { type: 'failed', reason: `redis-server exited with ${code}`, log: log.slice(-2000) },
      ),
    );
  });
}

function cleanUpAndExit(code) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

function stop() {
  if (stopping) return;
  stopping = true;
  if (!redis || redis.exitCode !== null || redis.signalCode !== null) cleanUpAndExit(0);
  redis.once('exit', () => cleanUpAndExit(0));
  redis.kill('SIGTERM');
  setTimeout(() => redis.kill('SIGKILL'), STOP_TIMEOUT_MS).unref();
}

process.on('disconnect', stop);
process.on('message', (m) => {
  if (m?.type === 'stop') stop();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
// An ES module loads asynchronously: the bench may have gone before the handler above was in place.
if (!process.connected) stop();

for (let attempt = 1; attempt <= PORT_TRIES && !stopping; attempt++) {
  const port = await freePort();
  if (stopping) break;
  const { child, result } = await launch(port);
  if (result.type === 'port-taken' && attempt < PORT_TRIES) continue;
  if (result.type !== 'ready') {
    child.kill('SIGKILL');
    send(result);
    cleanUpAndExit(1);
  }
  child.stdout.resume();
  child.stderr.resume();
  child.once('exit', (code, signal) => {
    if (stopping) return;
    send({ type: 'exited', reason: `redis-server exited (${signal ?? code})` });
    cleanUpAndExit(1);
  });
  send({ type: 'ready', host: '127.0.0.1', port, dir, pid: child.pid });
  break;
}
