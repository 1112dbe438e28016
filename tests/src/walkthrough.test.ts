// `pnpm walkthrough` as a person meets it: spawned as a CLI, judged by its output and exit code.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './stack.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HINT = 'are the apps running? (`pnpm dev`';

function walkthrough(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/src/walkthrough.ts', ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe('pnpm walkthrough (CLI)', () => {
  it('--help prints the usage and every scenario, built or not, and exits 0', async () => {
    const r = await walkthrough(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: pnpm walkthrough \[S01 S04 …\] \[--stack\] \[--verbose\]/);
    expect(r.out).toContain('S04  New order → logistics provider → fulfilment callbacks');
    expect(r.out).toMatch(/S08 {2}.+not built yet/);
    expect(r.out).not.toContain('undefined');
  });

  it('an unknown id, an unbuilt one or an unknown option: a clear error, the list, exit 2', async () => {
    const unknown = await walkthrough(['S99']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^walkthrough: no scenario "S99"\./);
    expect(unknown.err).toContain('S01  API: request–response CRUD');
    const unbuilt = await walkthrough(['S08']);
    expect(unbuilt.code).toBe(2);
    expect(unbuilt.err).toMatch(/^walkthrough: S08 \(Callbacks that are not HTTP\) is not built yet/);
    const option = await walkthrough(['--bogus']);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/^walkthrough: unknown option --bogus\n/);
    for (const r of [unknown, unbuilt, option]) expect(r.out + r.err).not.toContain('undefined');
  });

  it('apps not running: says which, ends with the pnpm dev hint, exit 1', async () => {
    const port = await freePort();
    const r = await walkthrough(['S05'], { LOGISTICS_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`✗ logistics: nothing answers at http://127.0.0.1:${port} (connection refused`);
    expect(lastLine(r.out)).toContain(HINT);
    expect(r.out).not.toContain('undefined');
  });

  it('a connection that fails mid-scenario also ends with the hint', async () => {
    // Answers the health check, then hangs up on every real call.
    const server = createServer((req, res) => {
      if (req.url === '/healthz')
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else req.socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const r = await walkthrough(['S05'], { LOGISTICS_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ fetch failed\n {4}are the apps running\?/);
    expect(lastLine(r.out)).toContain(HINT);
  });

  it('a scenario run prints the narration, no JSON dump unless --verbose, and exits 0', async () => {
    const quiet = await walkthrough(['S09']);
    expect(quiet.code).toBe(0);
    expect(quiet.out).toContain('S09 — At-most-once by default');
    expect(quiet.out).toMatch(/ {2}5\. Count what arrived/);
    expect(quiet.out).toContain('✓ done in');
    expect(lastLine(quiet.out)).toBe('1 of 1 scenarios ran to the end.');
    expect(quiet.out).not.toContain('{"events"');
    expect(quiet.out).not.toContain('undefined');
    const verbose = await walkthrough(['S09', '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.out).toMatch(/\{"events":20,"atMostOnce":/);
  });
});
