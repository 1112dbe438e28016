// `pnpm bench:stack`: the whole stack as a person meets it after `pnpm install`. Starts `pnpm dev` (scripts/dev.mjs)
// on free loopback ports with an empty data folder and measures, against targets: the start until every app
// answers /healthz, the apps' memory (RSS from /proc), the console's first-page JavaScript, and how soon an API
// call shows as an arrow in the console (Chromium). Bounded; stops everything it started, however it ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TARGET = { startMs: 15_000, rssBytes: 1.2e9, jsBytes: 200 * 1024, screenMs: 100 };
const START_LIMIT_MS = 60_000;
const OVERALL_LIMIT_MS = 180_000;
const SAMPLES = 12;

const MB = (b) => `${(b / 1e6).toFixed(0)} MB`;
const KB = (b) => `${(b / 1024).toFixed(1)} KB`;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The apps `pnpm dev` starts: folders of apps/ with a `dev` script. */
const apps = readdirSync(join(root, 'apps')).filter((name) => {
  const file = join(root, 'apps', name, 'package.json');
  return existsSync(file) && typeof JSON.parse(readFileSync(file, 'utf8')).scripts?.dev === 'string';
});

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---- processes, from /proc ----------------------------------------------------------------------------

/** pid → parent pid, for every process this user can see. */
function parents() {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      out.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(pid, tree = parents()) {
  const found = [];
  const walk = (p) => {
    for (const [child, parent] of tree) {
      if (parent === p) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** A `Name: n kB` line of a /proc file, in bytes (0 when the process is gone). */
function procKb(file, field) {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}
const rssOf = (pid) => procKb(`/proc/${pid}/status`, 'VmRSS');
// PSS splits the pages processes share (node's own code) between them: the sum no longer counts them twice.
const pssOf = (pid) => procKb(`/proc/${pid}/smaps_rollup`, 'Pss');

/** RSS of every process under the launcher, per app (each app's watcher, the app, its helpers). */
function memory(launcher) {
  const tree = parents();
  const perApp = new Map();
  for (const [pid, parent] of tree) {
    if (parent !== launcher) continue;
    let name = `pid ${pid}`;
    try {
      name = relative(join(root, 'apps'), readlinkSync(`/proc/${pid}/cwd`)) || name;
    } catch {
      // gone meanwhile
    }
    // The launcher's child is `tsx watch`; under it, the app's own process (and any helper it runs).
    const below = descendants(pid, tree);
    const app = below.reduce((sum, p) => sum + rssOf(p), 0);
    const watcher = rssOf(pid);
    const pss = [pid, ...below].reduce((sum, p) => sum + pssOf(p), 0);
    perApp.set(name, { rss: watcher + app, watcher, app, pss });
  }
  const sum = (key) => [...perApp.values()].reduce((total, a) => total + a[key], 0);
  return { total: sum('rss'), pss: sum('pss'), perApp, launcher: rssOf(launcher) };
}

// ---- the stack ----------------------------------------------------------------------------------------

const dataDir = mkdtempSync(join(tmpdir(), 'hooklab-bench-stack-'));
const ports = Object.fromEntries(await Promise.all(apps.map(async (a) => [a, await freePort()])));
const url = (name) => `http://localhost:${ports[name]}`;
let dev;
let browser;
let finished = false;

async function cleanup() {
  if (finished) return;
  finished = true;
  await browser?.close().catch(() => {});
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    const everyone = descendants(dev.pid);
    const exited = new Promise((r) => dev.once('exit', r));
    dev.kill('SIGINT');
    // pnpm dev stops each app gracefully; whatever is still there after that is killed.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
    for (const pid of [dev.pid, ...everyone]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\nbench:stack: ${signal}, stopping everything…`);
    void cleanup().then(() => process.exit(130));
  });
}
const overall = setTimeout(() => {
  console.error(`bench:stack: still running after ${s(OVERALL_LIMIT_MS)}, giving up`);
  void cleanup().then(() => process.exit(1));
}, OVERALL_LIMIT_MS);
overall.unref();

async function healthy(name, deadline) {
  for (;;) {
    if (dev.exitCode !== null)
      throw new Error(`pnpm dev exited (code ${dev.exitCode}) before ${name} answered`);
    try {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/healthz`, {
        signal: AbortSignal.timeout(1000),
      });
      await res.body?.cancel();
      if (res.ok) return performance.now();
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Scripts of the console's first page: external ones fetched, inline code counted; JSON data is not code. */
async function pageScripts(base) {
  const html = await (await fetch(base, { headers: { accept: 'text/html' } })).text();
  const scripts = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = m[1];
    const type = /\btype="([^"]*)"/i.exec(attrs)?.[1] ?? 'text/javascript';
    if (!/^(module|text\/javascript|application\/javascript)$/i.test(type)) continue;
    const src = /\bsrc="([^"]*)"/i.exec(attrs)?.[1];
    scripts.push(src ? new URL(src, base).href : { inline: m[2] });
  }
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*>/gi)) {
    const href = /\bhref="([^"]*)"/i.exec(m[0])?.[1];
    if (href) scripts.push(new URL(href, base).href);
  }
  let bytes = 0;
  let gzipped = 0;
  for (const script of scripts) {
    const body =
      typeof script === 'string'
        ? Buffer.from(await (await fetch(script)).arrayBuffer())
        : Buffer.from(script.inline);
    bytes += body.length;
    gzipped += gzipSync(body).length;
  }
  return { bytes, gzipped, count: scripts.length };
}

const PROBES = {
  payments: (i) => ({ path: `/v1/payment_intents/pi_bench${i}`, auth: 'Bearer sk_test_hooklab' }),
  logistics: (i) => ({ path: `/v1/shipments/shp_bench${i}`, auth: 'Bearer lg_test_hooklab' }),
  shop: (i) => ({ path: `/api/products/prod_bench${i}` }),
};

/**
 * Opens the console, then makes API calls to the apps one at a time (each a path of its own) and reads when
 * the page drew each one's arrow: the time the diagram's node for it entered the page, minus the time the
 * call was sent. Both clocks are this machine's wall clock.
 */
async function exchangeOnScreen() {
  if (!existsSync(CHROMIUM)) return { skipped: `no ${CHROMIUM} (set CHROMIUM_PATH)` };
  const require = createRequire(join(root, 'tests', 'package.json'));
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url('console'));
  const targets = apps.filter((a) => a in PROBES);
  await page.waitForSelector('#conn[data-state="live"]');
  for (const app of targets) await page.waitForSelector(`[data-testid="service-${app}"][data-status="up"]`);
  await page.evaluate(() => {
    window.__drawn = {};
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records)
        for (const node of r.addedNodes) {
          const hops = node.nodeType === 1 ? [node, ...node.querySelectorAll('[data-testid="hop"]')] : [];
          for (const hop of hops) {
            const path = hop.dataset?.path;
            if (hop.dataset?.testid === 'hop' && path?.includes('_bench') && !(path in window.__drawn))
              window.__drawn[path] = now;
          }
        }
    }).observe(document.body, { childList: true, subtree: true });
  });
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) {
    const app = targets[i % targets.length];
    const { path, auth } = PROBES[app](i);
    const sent = Date.now();
    const res = await fetch(`http://127.0.0.1:${ports[app]}${path}`, {
      headers: auth ? { authorization: auth } : {},
    });
    await res.body?.cancel();
    await page.waitForFunction((p) => p in window.__drawn, path, { timeout: 10_000 });
    samples.push((await page.evaluate((p) => window.__drawn[p], path)) - sent);
    await new Promise((r) => setTimeout(r, 150));
  }
  // Cross-check of the JavaScript figure: what the browser itself loaded as scripts.
  const browserJs = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'script' || /\.m?js(\?|$)/.test(e.name))
      .reduce((sum, e) => sum + e.decodedBodySize, 0),
  );
  samples.sort((a, b) => a - b);
  return { samples, median: samples[Math.floor(samples.length / 2)], worst: samples.at(-1), browserJs };
}

// ---- run ----------------------------------------------------------------------------------------------

const rows = [];
const row = (what, figure, target, met, note = '') => rows.push({ what, figure, target, met, note });
let broken = false;
const loadBefore = load();
console.log(
  `bench:stack: ${apps.join(', ')} via pnpm dev, ${cpus().length} CPUs, load ${loadBefore} (1/5/15 min)`,
);
try {
  const env = { ...process.env, NO_COLOR: '1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  for (const a of apps) env[`${a.toUpperCase()}_PORT`] = String(ports[a]);
  const started = performance.now();
  dev = spawn(process.execPath, [join(root, 'scripts', 'dev.mjs')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let devOut = '';
  for (const stream of [dev.stdout, dev.stderr])
    stream.on('data', (d) => {
      devOut += d;
    });
  const deadline = started + START_LIMIT_MS;
  const upAt = await Promise.all(apps.map((a) => healthy(a, deadline)));
  if (upAt.some((t) => t === null)) {
    const down = apps.filter((_, i) => upAt[i] === null);
    throw new Error(`${down.join(', ')} not healthy after ${s(START_LIMIT_MS)}:\n${devOut.slice(-3000)}`);
  }
  const startMs = Math.max(...upAt) - started;
  const slowest = apps[upAt.indexOf(Math.max(...upAt))];
  row('start → every app healthy', s(startMs), '< 15 s', startMs < TARGET.startMs, `last up: ${slowest}`);

  const idle = memory(dev.pid);
  const js = await pageScripts(url('console'));

  let screen;
  try {
    screen = await exchangeOnScreen();
  } catch (err) {
    screen = { error: err.message.split('\n')[0] };
  }
  const busy = memory(dev.pid);
  const rss = Math.max(idle.total, busy.total);
  const breakdown = [...busy.perApp]
    .map(([name, a]) => `${name} ${MB(a.rss)} (app ${MB(a.app)} + tsx watch ${MB(a.watcher)})`)
    .join(', ');
  row(
    'RSS, all apps together',
    MB(rss),
    '< 1.2 GB',
    rss < TARGET.rssBytes,
    `after start ${MB(idle.total)}, at the end ${MB(busy.total)} (PSS ${MB(busy.pss)}): ${breakdown}; pnpm dev itself ${MB(busy.launcher)}`,
  );
  const crossCheck = screen.browserJs ? `; the browser loaded ${KB(screen.browserJs)} of scripts` : '';
  row(
    "console's first page JS",
    KB(js.bytes),
    '< 200 KB',
    js.bytes < TARGET.jsBytes,
    `${KB(js.gzipped)} gzipped, ${js.count} script(s)${crossCheck}`,
  );
  if (screen.skipped)
    row('exchange on screen', 'skipped: chromium not found', '< 100 ms', null, screen.skipped);
  else if (screen.error) {
    broken = true;
    row('exchange on screen', 'failed', '< 100 ms', false, screen.error);
  } else
    row(
      'exchange on screen',
      `${screen.worst} ms`,
      '< 100 ms',
      screen.worst < TARGET.screenMs,
      `worst of ${screen.samples.length} calls (median ${screen.median} ms; all: ${screen.samples.join(' ')})`,
    );
} catch (err) {
  broken = true;
  console.error(`bench:stack: ${err.message}`);
} finally {
  await cleanup();
}

if (rows.length) {
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => [r.what, r.figure, r.target][c].length)));
  console.log('');
  for (const r of rows) {
    const verdict = r.met === null ? 'skipped' : r.met ? 'met' : 'NOT MET';
    console.log(
      `  ${r.what.padEnd(w[0])}  ${r.figure.padStart(w[1])}  target ${r.target.padEnd(w[2])}  ${verdict.padEnd(7)}  ${r.note}`,
    );
  }
  console.log(`\nload ${load()} at the end (was ${loadBefore}); everything started here is stopped.`);
}
process.exit(broken || rows.some((r) => r.met === false) ? 1 : 0);
