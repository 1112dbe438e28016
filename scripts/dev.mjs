// `pnpm dev`: every app in watch mode with dev settings, its output prefixed and quiet, one table once all
// answer /healthz, and Ctrl-C stopping each app gracefully. Usage: pnpm dev [shop payments …] [--exercise NN]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
register();
const { DEFAULT_PORTS, SERVICE_ENTRIES, portVarOf, urlVarOf } = await import(
  '../packages/service/src/services.ts'
);

const START_TIMEOUT_MS = Number(process.env.HOOKLAB_DEV_START_TIMEOUT_MS ?? 90_000);
// Colours on a terminal; NO_COLOR turns them off, FORCE_COLOR on (when the output goes through a pipe).
const tty = process.env.FORCE_COLOR
  ? process.env.FORCE_COLOR !== '0'
  : process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const COLORS = [36, 35, 33, 32, 34, 31];

/**
 * Apps are the folders of apps/ whose package.json has a `dev` script and whose name the kit knows: the
 * console first (the page to open), then the others by port.
 */
const rank = (name) => (name === 'console' ? -1 : DEFAULT_PORTS[name]);

function discover() {
  const dir = join(root, 'apps');
  return readdirSync(dir)
    .filter((name) => name in DEFAULT_PORTS && existsSync(join(dir, name, 'package.json')))
    .map((name) => {
      const pkg = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8'));
      return { name, cwd: join(dir, name), script: pkg.scripts?.dev };
    })
    .filter((a) => typeof a.script === 'string')
    .sort((a, b) => rank(a.name) - rank(b.name));
}

/** `HOOKLAB_DEV=1 tsx watch src/server.ts` → env + a binary from node_modules/.bin, run without a shell. */
function commandOf(app) {
  if (/[;&|<>$`()"'\\]/.test(app.script)) return { cmd: 'sh', args: ['-c', app.script], env: {} };
  const words = app.script.trim().split(/\s+/);
  const env = {};
  while (words.length && /^[A-Za-z_]\w*=/.test(words[0])) {
    const [k, ...v] = words.shift().split('=');
    env[k] = v.join('=');
  }
  const [bin, ...args] = words;
  const local = [join(app.cwd, 'node_modules', '.bin', bin), join(root, 'node_modules', '.bin', bin)];
  return { cmd: local.find((p) => existsSync(p)) ?? bin, args, env };
}

/**
 * `--exercise NN` (workshop/README.md): the apps get HOOKLAB_EXERCISE and the attendee's module, which
 * replaces that exercise's seam (dev mode only); `--exercise NN --solution` plugs in the reference.
 */
function exerciseOption(argv) {
  const i = argv.findIndex((a) => a === '--exercise' || a.startsWith('--exercise='));
  if (i < 0) return { rest: argv, exercise: undefined };
  const inline = argv[i].includes('=') ? argv[i].slice('--exercise='.length) : undefined;
  const id = inline ?? argv[i + 1];
  const rest = argv.filter((_, j) => j !== i && (inline !== undefined || j !== i + 1));
  return { rest, exercise: id ?? '' };
}

const option = exerciseOption(process.argv.slice(2));
let exercise;
if (option.exercise !== undefined) {
  const { EXERCISES, exerciseOf, modulePath } = await import('../workshop/exercises.ts');
  const ex = exerciseOf(option.exercise);
  if (!ex) {
    console.error(
      `pnpm dev: no exercise ${option.exercise || '(none given)'}; there are ${EXERCISES.map((e) => e.id).join(', ')}`,
    );
    process.exit(2);
  }
  const side = option.rest.includes('--solution') ? 'solution' : 'problem';
  exercise = { ...ex, side, file: modulePath(ex, side) };
}

const all = discover();
const wanted = option.rest.filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.some((a) => a.name === w));
if (unknown.length) {
  console.error(`pnpm dev: no app ${unknown.join(', ')}; there are: ${all.map((a) => a.name).join(', ')}`);
  process.exit(2);
}
const apps = wanted.length ? all.filter((a) => wanted.includes(a.name)) : all;
const width = Math.max(...apps.map((a) => a.name.length));

// One host name everywhere (localhost), so that cookies set on a page survive redirects between the apps.
const portOf = (name) => Number(process.env[portVarOf(name)] || DEFAULT_PORTS[name]);
const urlOf = (name) => process.env[urlVarOf(name)] || `http://localhost:${portOf(name)}`;
const shared = { LOG_LEVEL: process.env.LOG_LEVEL || 'warn' };
if (exercise)
  Object.assign(shared, { HOOKLAB_EXERCISE: exercise.id, HOOKLAB_EXERCISE_MODULE: exercise.file });
for (const { name } of all) {
  const upper = name.toUpperCase();
  shared[urlVarOf(name)] = urlOf(name);
  shared[`${upper}_PUBLIC_URL`] = process.env[`${upper}_PUBLIC_URL`] || urlOf(name);
}

const loopback = new RegExp(`http://127\\.0\\.0\\.1:(${all.map((a) => portOf(a.name)).join('|')})\\b`, 'g');
/** Apps print the address they bound; people should see (and use) the one host name, localhost. */
const localhost = (line) => line.replace(loopback, 'http://localhost:$1');

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A pino JSON line as one readable line; anything else as it is. */
function pretty(line) {
  if (!line.startsWith('{')) return line;
  try {
    const o = JSON.parse(line);
    if (typeof o.msg !== 'string') return line;
    const level = LEVELS[o.level] ?? o.level;
    const err = o.err?.message ? `: ${o.err.message}` : '';
    return `${o.level >= 50 ? paint(31, level) : level} ${o.msg}${err}`;
  } catch {
    return line;
  }
}

const children = new Map();
let stopping = false;

function start(app, i) {
  const { cmd, args, env } = commandOf(app);
  const prefix = paint(COLORS[i % COLORS.length], `${app.name.padEnd(width)} │`);
  // Its own process group: a terminal's Ctrl-C reaches this script only, which stops each app in turn.
  const child = spawn(cmd, args, {
    cwd: app.cwd,
    env: { ...process.env, ...env, ...shared, HOOKLAB_DEV: '1', PORT: String(portOf(app.name)) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const state = { app, child, status: 'starting', exited: null, crashed: false };
  children.set(app.name, state);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (!line.trim()) return;
      if (state.status === 'starting' && /EADDRINUSE/.test(line))
        state.crashed = `port ${portOf(app.name)} is in use`;
      else if (state.status === 'starting' && /^\s*(\w*Error\b|at .+:\d+:\d+\)?$)/.test(line))
        state.crashed ||= 'crashed at start (see its lines above)';
      // The table gives each app's address; once up, a new banner means tsx watch restarted it.
      if (state.status === 'starting' && /\blistening on http/.test(line)) return;
      console.log(`${prefix} ${localhost(pretty(line))}`);
    });
  }
  child.once('exit', (code, signal) => {
    state.exited = { code, signal };
    if (!stopping && state.status === 'up') console.log(`${prefix} exited (${signal ?? `code ${code}`})`);
    if (!stopping && [...children.values()].every((s) => s.exited)) {
      console.error('pnpm dev: every app has stopped');
      process.exit(1);
    }
  });
  return state;
}

async function healthy(state) {
  const url = `${urlOf(state.app.name)}/healthz`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!stopping) {
    if (state.exited) return `exited (${state.exited.signal ?? `code ${state.exited.code}`})`;
    if (state.crashed) return state.crashed;
    if (Date.now() > deadline) return `not answering after ${Math.round(START_TIMEOUT_MS / 1000)} s`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return 'up';
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return 'stopped';
}

/** Where a person goes first on an app: its base URL, plus the entry path (the payments dashboard). */
function openUrlOf(name) {
  const entry = SERVICE_ENTRIES[name];
  return entry && entry.path !== '/' ? `${urlOf(name)}${entry.path}` : urlOf(name);
}

function table() {
  const rows = apps.map(({ name }) => [
    name,
    openUrlOf(name),
    children.get(name).status,
    SERVICE_ENTRIES[name]?.what ?? '',
  ]);
  const head = ['app', 'URL', 'status', ''];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Padded before painting: escape codes would count as width.
  const line = (r, color = () => null) =>
    `  ${r
      .map((cell, c) => {
        const padded = c === r.length - 1 ? cell : cell.padEnd(widths[c]);
        return color(cell, c) ? paint(color(cell, c), padded) : padded;
      })
      .join('  ')}`.trimEnd();
  const up = rows.filter((r) => r[2] === 'up').length;
  const isUp = (name) => children.get(name)?.status === 'up';
  const next = [];
  if (isUp('console')) next.push(`Open the console first: ${urlOf('console')} shows every message, live.`);
  if (isUp('shop'))
    next.push(
      isUp('console')
        ? `Then buy a dress at ${urlOf('shop')} and watch the order travel in the console.`
        : `Start at ${urlOf('shop')}: buy a dress.`,
    );
  if (exercise) {
    const where = exercise.seam ? `${exercise.seam.app}, ${exercise.seam.where}` : 'no seam in the stack';
    next.push(
      paint(1, `Workshop exercise ${exercise.id}: ${exercise.title}.`),
      `  Your code (${exercise.side}/${exercise.module}) runs in: ${where}.`,
      `  The console marks each hop it handled ✎${exercise.id}. A saved change restarts the app.`,
    );
  }
  return [
    '',
    paint(1, up === rows.length ? 'Hooklab is up.' : `Hooklab: ${up} of ${rows.length} apps up.`),
    '',
    paint(1, line(head)),
    ...rows.map((r) => line(r, (cell, c) => (c === 2 && cell !== 'up' ? 31 : null))),
    '',
    ...next,
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

let stoppingSince = 0;
async function stop(signal) {
  if (stopping) {
    // pnpm passes the terminal's Ctrl-C on as well, at once; a Ctrl-C pressed later means: no more waiting.
    if (Date.now() - stoppingSince < 1500) return;
    for (const s of children.values()) if (!s.exited) kill(s, 'SIGKILL');
    process.exit(130);
  }
  stopping = true;
  stoppingSince = Date.now();
  console.log(`\nstopping ${apps.map((a) => a.name).join(', ')}…`);
  const running = [...children.values()].filter((s) => !s.exited);
  // tsx watch passes the signal to the app, which drains and exits; the group is killed if that hangs.
  for (const s of running) kill(s, signal, false);
  const force = setTimeout(() => {
    for (const s of running) if (!s.exited) kill(s, 'SIGKILL');
  }, 10_000);
  await Promise.all(running.map((s) => (s.exited ? null : new Promise((r) => s.child.once('exit', r)))));
  clearTimeout(force);
  console.log('stopped.');
  process.exit(0);
}

function kill(state, signal, group = true) {
  try {
    process.kill(group ? -state.child.pid : state.child.pid, signal);
  } catch {
    // already gone
  }
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('exit', () => {
  for (const s of children.values()) if (!s.exited) kill(s, 'SIGKILL');
});

if (!apps.length) {
  console.error('pnpm dev: no app with a dev script under apps/');
  process.exit(1);
}
console.log(`starting ${apps.map((a) => a.name).join(', ')} (dev mode, LOG_LEVEL=${shared.LOG_LEVEL})…`);
const states = apps.map(start);
await Promise.all(
  states.map(async (s) => {
    s.status = await healthy(s);
  }),
);
if (!stopping) console.log(table());
