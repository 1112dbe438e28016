// The terminal walkthrough: runs scenarios, narrated, against the running apps (`pnpm dev`), or with
// `--stack` against apps it starts in this process. `pnpm walkthrough --help` says how.
import { parseArgs } from 'node:util';
import { runScenario, type Scenario, type ScenarioId, scenarioCatalog, scenarios } from '@hooklab/scenarios';
import {
  createTracedFetch,
  type RunningApp,
  type ServiceName,
  type ServiceUrls,
  serviceUrls,
  urlVarOf,
} from '@hooklab/service';
import type { Stack } from './stack.ts';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const HINT = 'are the apps running? (`pnpm dev`, or add --stack to start them here)';

function usage(): string {
  const rows = scenarioCatalog().map(
    (s) => `  ${s.id}  ${s.title}${s.built ? '' : dim('  (later milestone, not built yet)')}`,
  );
  return [
    'Usage: pnpm walkthrough [S01 S04 …] [--stack] [--verbose]',
    '',
    'Runs the scenarios step by step, narrated, against the apps of `pnpm dev`',
    '(SHOP_URL, PAYMENTS_URL, LOGISTICS_URL; default http://localhost:3001–3003).',
    '',
    '  S01 …      the scenarios to run (default: every built one, in order)',
    '  --stack    start the apps in this process on free ports instead',
    "  --verbose  also print each scenario's figures and the data behind each line (JSON)",
    '  --help     this text',
    '',
    'Scenarios:',
    ...rows,
  ].join('\n');
}

function fail(message: string): never {
  console.error(`walkthrough: ${message}\n\n${usage()}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
const OPTIONS = {
  stack: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;
try {
  parsed = parseArgs({ options: OPTIONS, allowPositionals: true });
} catch (err) {
  const option = /'(-[^']*)'/.exec((err as Error).message)?.[1];
  fail(option ? `unknown option ${option}` : (err as Error).message);
}
if (parsed.values.help) {
  console.log(usage());
  process.exit(0);
}
const ownStack = parsed.values.stack === true;
const verbose = parsed.values.verbose === true;
const catalog = scenarioCatalog();
const wanted = parsed.positionals.map((arg) => {
  const info = catalog.find((s) => s.id === arg.toUpperCase());
  if (!info) fail(`no scenario "${arg}".`);
  if (!info.built) fail(`${info.id} (${info.title}) is not built yet: it belongs to a later milestone.`);
  return info.id;
});
const list: Scenario[] = (wanted.length ? wanted : catalog.filter((s) => s.built).map((s) => s.id)).map(
  (id) => scenarios[id as ScenarioId]!,
);

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** True when the error (or one it wraps: fetch's cause, Stripe's connection error) is a failed connection. */
function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; type?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  if (e.type === 'StripeConnectionError') return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1))) return true;
  return isConnectionError(e.cause, depth + 1);
}

/** The apps among `names` that do not answer `GET /healthz`, with why. */
async function unreachable(names: ServiceName[], urls: ServiceUrls): Promise<Map<ServiceName, string>> {
  const down = new Map<ServiceName, string>();
  await Promise.all(
    names.map(async (name) => {
      const url = `${urls[name]}/healthz`;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
        await res.body?.cancel();
        if (!res.ok) down.set(name, `${url} answered ${res.status}`);
      } catch (err) {
        const reason = isConnectionError(err) ? 'connection refused' : (err as Error).message;
        down.set(
          name,
          `nothing answers at ${urls[name]} (${reason}; set ${urlVarOf(name)} if it runs elsewhere)`,
        );
      }
    }),
  );
  return down;
}

const json = (value: unknown) => JSON.stringify(value, null, 0);

async function runOne(s: Scenario, urls: ServiceUrls, params: Record<string, string | number>) {
  console.log(`\n${bold(`${s.id} — ${s.title}`)}\n${dim(s.story)}\n`);
  const run = await runScenario(s, {
    urls,
    keys: {
      payments: process.env.STRIPE_SECRET_KEY ?? 'sk_test_hooklab',
      logistics: process.env.LOGISTICS_API_KEY ?? 'lg_test_hooklab',
    },
    params,
    fetch: createTracedFetch({ from: 'walkthrough' }),
    onNarration: (n) => {
      if (n.text.startsWith('step ') && n.step !== null) {
        const title = s.steps[n.step];
        console.log(`  ${bold(`${n.step + 1}.`)} ${title ?? n.text}`);
      } else {
        console.log(`     ${n.text}`);
        if (verbose && n.data !== undefined) console.log(dim(`       ${json(n.data)}`));
      }
    },
  });
  if (run.ok) {
    console.log(`  ${bold('✓')} done in ${run.durationMs} ms`);
    if (verbose && run.result !== undefined) console.log(dim(`  ${json(run.result)}`));
    return true;
  }
  console.log(`  ${bold('✗')} ${run.error.message || run.error.name}`);
  const details = (run.error as { details?: unknown }).details;
  if (verbose && details !== undefined) console.log(dim(`    ${json(details)}`));
  if (!ownStack && isConnectionError(run.error)) {
    connectionFailures += 1;
    console.log(`    ${HINT}`);
  }
  return false;
}

let stack: Stack | undefined;
const fixtures: RunningApp[] = [];
let failed = 0;
let connectionFailures = 0;
try {
  let urls = serviceUrls(process.env);
  const actors = [...new Set(list.flatMap((s) => s.actors))];
  if (ownStack) {
    const { startStack } = await import('./stack.ts');
    stack = await startStack(actors);
    urls = stack.urls;
  }
  const down = ownStack ? new Map<ServiceName, string>() : await unreachable(actors, urls);
  for (const s of list) {
    const missing = s.actors.filter((a) => down.has(a));
    if (missing.length) {
      failed += 1;
      console.log(`\n${bold(`${s.id} — ${s.title}`)}`);
      for (const a of missing) console.log(`  ${bold('✗')} ${a}: ${down.get(a)}`);
      console.log(`    ${HINT}`);
      connectionFailures += 1;
      continue;
    }
    const params: Record<string, string | number> = {};
    if (s.id === 'S09') {
      // The S09 sender and receiver are fixtures of this folder, loaded only when S09 runs.
      const [{ startSender }, { startReceiver }] = [
        await import('./s09/sender.ts'),
        await import('./s09/receiver.ts'),
      ];
      const [sender, receiver] = [await startSender(), await startReceiver()];
      fixtures.push(sender, receiver);
      Object.assign(params, { sender_url: sender.url, receiver_url: receiver.url });
    }
    if (!(await runOne(s, urls, params))) failed += 1;
  }
  console.log(`\n${list.length - failed} of ${list.length} scenarios ran to the end.`);
  if (connectionFailures) console.log(HINT);
} catch (err) {
  failed += 1;
  console.error(`walkthrough: ${(err as Error).message}`);
} finally {
  for (const f of fixtures) await f.close();
  await stack?.stop();
}
process.exit(failed ? 1 : 0);
