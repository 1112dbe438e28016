// `pnpm workshop`: the exercises and their state; `test NN` runs one exercise's guiding checks against
// your problem/ (`--solution`: the reference); `solve NN` shows the diff to the solution; `reset NN`
// puts problem/ back as it was committed. Exit codes: 0 passing, 1 failing, 2 usage.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
register();
const { EXERCISES, WORKSHOP_DIR, exerciseOf, loadImpl, testExercise } = await import(
  '../workshop/exercises.ts'
);

// `pnpm workshop solve 03 | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const tty = process.env.FORCE_COLOR
  ? process.env.FORCE_COLOR !== '0'
  : process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const [command = 'list', ...rest] = process.argv.slice(2).filter((a) => a !== '--');
const flags = new Set(rest.filter((a) => a.startsWith('-')));
const args = rest.filter((a) => !a.startsWith('-'));

const USAGE = `usage: pnpm workshop                  the exercises and their state
       pnpm workshop test NN [--solution]  run exercise NN's checks against problem/ (or solution/)
       pnpm workshop solve NN          the diff from your problem/ to the solution
       pnpm workshop reset NN          put problem/ back as it was committed
       pnpm workshop run NN            exercise 05: your client against the running stack
       pnpm dev --exercise NN          the stack, with your code in the exercise's seam`;

function usage(message) {
  if (message) console.error(`pnpm workshop: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function pick() {
  if (args.length !== 1) usage(`${command} needs one exercise number`);
  const ex = exerciseOf(args[0]);
  if (!ex) usage(`no exercise ${args[0]}; there are ${EXERCISES.map((e) => e.id).join(', ')}`);
  return ex;
}

const dirOf = (ex, side) => relative(root, `${WORKSHOP_DIR}${ex.slug}/${side}`);

/** Untouched: git sees no change (nor a new file) under problem/ since the last commit. */
function untouched(ex) {
  const r = spawnSync('git', ['status', '--porcelain', '--', dirOf(ex, 'problem')], {
    cwd: root,
    encoding: 'utf8',
  });
  return r.status === 0 && r.stdout.trim() === '';
}

async function list() {
  console.log(paint(1, 'Hooklab workshop') + '  (workshop/README.md)\n');
  let passing = 0;
  for (const ex of EXERCISES) {
    const results = await testExercise(ex, 'problem');
    const ok = results.filter((r) => r.ok).length;
    const state =
      ok === results.length
        ? paint(32, 'passing')
        : untouched(ex)
          ? paint(2, 'not started')
          : paint(31, `failing (${ok}/${results.length})`);
    if (ok === results.length) passing++;
    const seam = ex.seam ? paint(2, `  seam: ${ex.seam.app}`) : '';
    console.log(`  ${ex.id}  ${ex.title.padEnd(64)} ${state}${seam}`);
  }
  for (const c of COMING) console.log(paint(2, `  ${c}`));
  console.log(`\n${passing} of ${EXERCISES.length} passing. Next: pnpm workshop test NN`);
}

const COMING = [];

async function test() {
  const ex = pick();
  const side = flags.has('--solution') ? 'solution' : 'problem';
  console.log(`${paint(1, `${ex.id} ${ex.title}`)}  (${dirOf(ex, side)}/${ex.module})\n`);
  const results = await testExercise(ex, side);
  let shown = false;
  for (const r of results) {
    if (r.ok) {
      console.log(`  ${paint(32, '✓')} ${r.name}`);
      continue;
    }
    console.log(`  ${paint(31, '✕')} ${r.name}`);
    // The first failure in full (it is the next thing to do); the others in one line.
    const lines = (r.message ?? '').split('\n');
    if (!shown) for (const l of lines) console.log(`      ${paint(33, l)}`);
    else console.log(`      ${paint(2, lines[0])}`);
    shown = true;
  }
  const ok = results.filter((r) => r.ok).length;
  console.log(`\n${ok} of ${results.length} checks pass.`);
  if (ok === results.length && ex.seam)
    console.log(`Now see it carry real traffic: pnpm dev --exercise ${ex.id} (seam: ${ex.seam.where}).`);
  process.exitCode = ok === results.length ? 0 : 1;
}

function solve() {
  const ex = pick();
  const r = spawnSync(
    'git',
    ['diff', '--no-index', ...(tty ? ['--color'] : []), '--', dirOf(ex, 'problem'), dirOf(ex, 'solution')],
    { cwd: root, stdio: 'inherit' },
  );
  // git diff --no-index: 1 means "they differ", which is the point.
  process.exitCode = r.status === 0 || r.status === 1 ? 0 : 1;
}

function reset() {
  const ex = pick();
  const dir = dirOf(ex, 'problem');
  // The attendee's work is kept as a patch first: `git apply <file>` brings it back.
  const diff = spawnSync('git', ['diff', 'HEAD', '--', dir], { cwd: root, encoding: 'utf8' });
  let saved = '';
  if (diff.status === 0 && diff.stdout.trim()) {
    saved = join(tmpdir(), `hooklab-workshop-${ex.id}-${Date.now()}.patch`);
    writeFileSync(saved, diff.stdout);
  }
  const r = spawnSync('git', ['checkout', 'HEAD', '--', dir], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
  console.log(`${dir} is back as committed.`);
  if (saved) console.log(`Your changes are in ${saved} (git apply it to get them back).`);
}

async function run() {
  const ex = pick();
  if (!ex.live)
    usage(`exercise ${ex.id} has nothing to run: its seam is in an app (pnpm dev --exercise ${ex.id})`);
  const side = flags.has('--solution') ? 'solution' : 'problem';
  const live = await ex.live();
  try {
    const { result, summary } = await live(await loadImpl(ex, side));
    console.log(`${paint(32, '✓')} ${summary}\n${JSON.stringify(result, null, 2)}`);
    console.log(`\nIn the console (http://localhost:3000) the hops are marked ✎${ex.id}.`);
  } catch (err) {
    const cause = err?.cause?.code === 'ECONNREFUSED' ? ' (is `pnpm dev` running?)' : '';
    console.error(`${paint(31, '✕')} ${err instanceof Error ? err.message : String(err)}${cause}`);
    process.exitCode = 1;
  }
}

const COMMANDS = { list, test, solve, reset, run };
if (flags.has('--help') || flags.has('-h') || command === 'help') usage();
if (!(command in COMMANDS)) usage(`unknown command ${command}`);
await COMMANDS[command]();
