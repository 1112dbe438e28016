// `pnpm walkthrough` as a person meets it: spawned as a CLI, judged by its output and exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { scenarioCatalog, scenarios } from '@hooklab/scenarios';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './stack.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HINT = 'are the apps running? (`pnpm dev`';
const SCRIPT = '/usr/bin/script';

interface Output {
  out: string;
  err: string;
}

/** Runs the CLI; `watch` sees the output so far after every chunk (to release a held request, say). */
function walkthrough(
  args: string[],
  env: Record<string, string> = {},
  watch?: (o: Output) => void,
  command: (args: string[]) => [string, string[]] = (a) => [process.execPath, a],
) {
  return new Promise<{ code: number | null } & Output>((resolve, reject) => {
    const [file, argv] = command(['--import', 'tsx', 'tests/src/walkthrough.ts', ...args]);
    const child = spawn(file, argv, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const o: Output = { out: '', err: '' };
    child.stdout.on('data', (d) => {
      o.out += d;
      watch?.(o);
    });
    child.stderr.on('data', (d) => {
      o.err += d;
      watch?.(o);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, ...o }));
  });
}

/** In a pseudo-terminal (util-linux `script`), so that stdout is a TTY as in a person's shell. */
const inTerminal = (args: string[]): [string, string[]] => [
  SCRIPT,
  ['-qfec', [process.execPath, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'],
];

/**
 * A logistics stand-in that answers its health check and holds every other request open until
 * `release()` hangs up on them: a wait that lasts exactly as long as the test wants.
 */
async function holdingLogistics() {
  const held: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else held.push(req);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  let released = false;
  return {
    url: `http://127.0.0.1:${port}`,
    release() {
      if (released) return;
      released = true;
      for (const req of held) req.socket.destroy();
      server.closeAllConnections();
    },
  };
}

/** Carriage returns and escape codes as text, so that a pattern can name them. */
const visible = (s: string) => s.replaceAll('\r', '<CR>').replaceAll('\u001b', '<ESC>');
const count = (s: string, re: RegExp) => s.match(new RegExp(re.source, `${re.flags}g`))?.length ?? 0;
const jsonLines = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('pnpm walkthrough (CLI)', () => {
  it('--help prints the usage and every scenario, built or not, and exits 0', async () => {
    const r = await walkthrough(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: pnpm walkthrough \[S01 S04 …\] \[--stack\] \[--verbose\] \[--json\]/);
    expect(r.out).toContain('--json     for machines');
    expect(r.out).toContain('S04  New order → logistics provider → fulfilment callbacks');
    // Each scenario is listed: the built ones with their title, any still unbuilt marked so.
    for (const info of scenarioCatalog())
      expect(r.out).toMatch(new RegExp(`${info.id} {2}.+${info.built ? '' : 'not built yet'}`));
    expect(r.out).not.toContain('undefined');
  });

  it('an unknown id, an unbuilt one or an unknown option: a clear error, the list, exit 2', async () => {
    const unknown = await walkthrough(['S99']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^walkthrough: no scenario "S99"\./);
    expect(unknown.err).toContain('S01  API: request–response CRUD');
    const option = await walkthrough(['--bogus']);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/^walkthrough: unknown option --bogus\n/);
    const answers = [unknown, option];
    // Once S01–S15 are all built there is no unbuilt one left to ask for.
    const unbuiltInfo = scenarioCatalog().find((s) => !s.built);
    if (unbuiltInfo) {
      const unbuilt = await walkthrough([unbuiltInfo.id]);
      expect(unbuilt.code).toBe(2);
      expect(unbuilt.err).toMatch(new RegExp(`^walkthrough: ${unbuiltInfo.id} \\(.+\\) is not built yet`));
      answers.push(unbuilt);
    }
    for (const r of answers) expect(r.out + r.err).not.toContain('undefined');
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

  it('a long wait shows a plain progress line now and then when stdout is not a terminal', async () => {
    const logistics = await holdingLogistics();
    const progress = /^ {5}… S05 step 2: waiting \d+ s · POST logistics \/v1\/quotes open for \d+ s$/m;
    const r = await walkthrough(
      ['S05'],
      { LOGISTICS_URL: logistics.url, WALKTHROUGH_PROGRESS_MS: '100' },
      // The witness: two progress lines while the quote request is held; only then is it let go.
      (o) => count(o.out, progress) >= 2 && logistics.release(),
    );
    expect(r.code).toBe(1);
    expect(count(r.out, progress)).toBeGreaterThanOrEqual(2);
    expect(visible(r.out)).not.toMatch(/<CR>|<ESC>/);
    const lines = r.out.split('\n');
    const step = lines.findIndex((l) => l.startsWith('  2. POST /v1/quotes with a callback_url'));
    const first = lines.findIndex((l) => progress.test(l));
    const failedAt = lines.findIndex((l) => l.startsWith('  ✗ fetch failed'));
    expect(step).toBeGreaterThan(-1);
    expect(first).toBeGreaterThan(step);
    expect(failedAt).toBeGreaterThan(first);
  });

  // Needs util-linux's `script` for a pseudo-terminal; with HOOKLAB_REQUIRE_SERVICES=1 (CI) it runs and fails if absent.
  it.skipIf(!existsSync(SCRIPT) && process.env.HOOKLAB_REQUIRE_SERVICES !== '1')(
    `on a terminal the progress is one line, redrawn in place, wiped before the next${existsSync(SCRIPT) ? '' : ' (skipped: /usr/bin/script not found)'}`,
    async () => {
      const logistics = await holdingLogistics();
      const draw =
        /<CR><ESC>\[2K {2}… S05 step 2: waiting \d+\.\d s · POST logistics \/v1\/quotes open for \d+\.\d s/;
      const r = await walkthrough(
        ['S05'],
        { LOGISTICS_URL: logistics.url, WALKTHROUGH_PROGRESS_MS: '100' },
        (o) => count(visible(o.out), draw) >= 3 && logistics.release(),
        inTerminal,
      );
      expect(r.code).toBe(1);
      // Three or more redraws of one line (no line break between them), then it is wiped for the failure.
      expect(visible(r.out)).toMatch(
        new RegExp(`(?:${draw.source}){3,}<CR><ESC>\\[2K {2}✗ fetch failed<CR>`),
      );
      expect(r.out).toContain('0 of 1 scenarios ran to the end.');
    },
  );

  it('--json: one object per step and per scenario on stdout, nothing else', async () => {
    const r = await walkthrough(['S09', '--json']);
    expect(r.code).toBe(0);
    const objects = jsonLines(r.out);
    const steps = objects.filter((o) => o.type === 'step');
    expect(steps.map((o) => [o.scenario, o.step, o.title, o.status])).toEqual(
      scenarios.S09!.steps.map((title, i) => ['S09', i + 1, title, 'passed']),
    );
    for (const st of steps) {
      expect(typeof st.durationMs).toBe('number');
      expect(Array.isArray(st.narration)).toBe(true);
    }
    const counted = steps.at(-1)!.narration as { text: string; data?: unknown }[];
    expect(counted.some((n) => /at-least-once lost 0\/20/.test(n.text) && n.data !== undefined)).toBe(true);
    expect(objects).toHaveLength(steps.length + 1);
    const scenario = objects.at(-1)!;
    expect(scenario).toMatchObject({
      type: 'scenario',
      scenario: 'S09',
      status: 'passed',
      result: { events: 20 },
    });
    expect(scenario.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('--json with an app down: a failed scenario object naming it, exit 1, stdout still only JSON', async () => {
    const port = await freePort();
    const r = await walkthrough(['S05', 'S09', '--json'], { LOGISTICS_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    const objects = jsonLines(r.out);
    expect(objects[0]).toMatchObject({
      type: 'scenario',
      scenario: 'S05',
      status: 'failed',
      hint: expect.stringContaining(HINT),
    });
    expect((objects[0]!.unreachable as Record<string, string>).logistics).toContain(
      `nothing answers at http://127.0.0.1:${port} (connection refused`,
    );
    // The next scenario still runs, and says so the same way.
    expect(objects.at(-1)).toMatchObject({ type: 'scenario', scenario: 'S09', status: 'passed' });
  });

  it('--json during a long wait: the progress goes to stderr, the failed step and scenario to stdout', async () => {
    const logistics = await holdingLogistics();
    const r = await walkthrough(
      ['S05', '--json'],
      { LOGISTICS_URL: logistics.url, WALKTHROUGH_PROGRESS_MS: '100' },
      (o) => /… S05 step 2: waiting/.test(o.err) && logistics.release(),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ {5}… S05 step 2: waiting \d+ s · POST logistics \/v1\/quotes open for/m);
    const objects = jsonLines(r.out);
    expect(objects.map((o) => [o.type, o.step ?? null, o.status])).toEqual([
      ['step', 1, 'passed'],
      ['step', 2, 'failed'],
      ['scenario', null, 'failed'],
    ]);
    expect(objects[1]!.error).toBe('fetch failed');
    expect(objects[2]).toMatchObject({
      error: { message: 'fetch failed' },
      hint: expect.stringContaining(HINT),
    });
  });
});
