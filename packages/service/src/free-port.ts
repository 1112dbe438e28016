// Free loopback ports for tests and benches that must tell a server its port before it listens
// (`@hooklab/service/ports`). Never imported by app code.
//
// "Bind port 0, read the port, close, hand it out" is racy: the kernel gives port 0 binds and every outgoing
// connection's local end a port from the same ephemeral range, so between the close and the app's listen,
// another test's client socket (or another worker's port-0 server) can take it → EADDRINUSE. Ports here come
// from below that range instead, where the kernel never hands out ports by itself, in a slice of their own per
// vitest worker (VITEST_POOL_ID), taken in turn within the process, each checked by a bind before it is given.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 10_000;
const SLICES = 16;

/** Where the kernel's ephemeral range starts (Linux: /proc), 32768 when it cannot be read. */
function ephemeralStart(): number {
  try {
    const [first] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(first);
    return Number.isInteger(n) && n > 0 ? n : 32_768;
  } catch {
    return 32_768;
  }
}

interface Slice {
  start: number;
  size: number;
  next: number;
}

let slice: Slice | null | undefined;

/** This process's slice of the ports below the ephemeral range, or null when that range leaves too little room. */
function ownSlice(): Slice | null {
  if (slice !== undefined) return slice;
  const size = Math.floor((ephemeralStart() - LOWEST) / SLICES);
  if (size < 100) {
    slice = null;
    return slice;
  }
  const pool = Number(process.env.VITEST_POOL_ID);
  // Outside vitest (benches, scripts), the pid picks the slice: two such processes rarely share one.
  const index = (Number.isInteger(pool) && pool > 0 ? pool : process.pid) % SLICES;
  const start = LOWEST + index * size;
  // A random place to begin, so a worker that follows another with the same pool id starts elsewhere.
  slice = { start, size, next: Math.floor(Math.random() * size) };
  return slice;
}

const bindable = (port: number) =>
  new Promise<number | null>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : null;
      srv.close(() => resolve(got));
    });
  });

/**
 * A TCP port on 127.0.0.1 that nothing listens on, not from the kernel's ephemeral range (so no outgoing
 * connection takes it before the caller listens on it), taken in turn, so one process does not get the same port again until its slice (~1,400 ports) wraps.
 */
export async function freePort(): Promise<number> {
  const own = ownSlice();
  if (own) {
    for (let tries = 0; tries < own.size; tries++) {
      const port = own.start + own.next;
      own.next = (own.next + 1) % own.size;
      if ((await bindable(port)) !== null) return port;
    }
  }
  // No room below the ephemeral range (or all of it taken): the kernel's pick.
  const port = await bindable(0);
  if (port === null) throw new Error('freePort: could not bind any port on 127.0.0.1');
  return port;
}
