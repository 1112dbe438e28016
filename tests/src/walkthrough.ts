// The terminal walkthrough: runs scenarios, narrated, against the running apps (`pnpm dev`), or with
// `--stack` against apps it starts in this process. `--json` for machines. `pnpm walkthrough --help` says how.
import { parseArgs } from 'node:util';
import {
  type Narration,
  runScenario,
  type Scenario,
  type ScenarioId,
  scenarioCatalog,
  scenarios,
} from '@hooklab/scenarios';
import {
  createTracedFetch,
  type FetchLike,
  type RunningApp,
  type ServiceName,
  type ServiceUrls,
  serviceUrls,
  urlVarOf,
} from '@hooklab/service';
import type { Stack } from './stack.ts';

// Paints the human text; --json sends that text to stderr and decides again for stderr below.
let color = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const HINT = 'are the apps running? (`pnpm dev`, or add --stack to start them here)';
/** Silence (no narrated line) after which a wait shows a progress line; tests shorten it. */
const PROGRESS_AFTER_MS = Number(process.env.WALKTHROUGH_PROGRESS_MS) || 2000;

function usage(): string {
  const rows = scenarioCatalog().map(
    (s) => `  ${s.id}  ${s.title}${s.built ? '' : dim('  (later milestone, not built yet)')}`,
  );
  return [
    'Usage: pnpm walkthrough [S01 S04 …] [--stack] [--verbose] [--json]',
    '',
    'Runs the scenarios step by step, narrated, against the apps of `pnpm dev`',
    '(SHOP_URL, PAYMENTS_URL, LOGISTICS_URL; default http://localhost:3001–3003).',
    '',
    '  S01 …      the scenarios to run (default: every built one, in order)',
    '  --stack    start the apps in this process on free ports instead',
    "  --verbose  also print each scenario's figures and the data behind each line (JSON)",
    '  --json     for machines: one JSON object per line on stdout, a "step" as each step ends and a',
    '             "scenario" as each scenario ends; nothing else on stdout (use `pnpm -s walkthrough`,',
    '             or pnpm prints its own header first); progress and errors on stderr',
    '  --help     this text',
    '',
    'A wait with nothing to tell (a webhook on its way, a job running) shows a progress line after',
    `${PROGRESS_AFTER_MS / 1000} s: one line updated in place on a terminal, a plain line every ${(PROGRESS_AFTER_MS * 2.5) / 1000} s otherwise.`,
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
  json: { type: 'boolean' },
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
const jsonMode = parsed.values.json === true;
/** Where people read: stdout, or stderr when stdout carries JSON. */
const human = jsonMode ? process.stderr : process.stdout;
if (jsonMode) {
  color = process.stderr.isTTY && !process.env.NO_COLOR;
  // Whatever else writes with console.log (a library, an app of --stack) must not corrupt the JSON stream.
  console.log = console.error;
  console.info = console.error;
}
/** One JSON object, one line, on stdout: the only writer of stdout in JSON mode. */
const emit = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);
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
const seconds = (ms: number, digits: number) => `${(ms / 1000).toFixed(digits)} s`;

/** A call a scenario made, as the progress line names it: method, app (or host) and path, no query. */
interface Call {
  label: string;
  started: number;
  status?: number | string;
}

/**
 * The line a long wait shows. Silence is measured from the last narrated line; the calls made meanwhile
 * (a poll loop, a request still open) say what is being waited for. On a terminal it is one line redrawn in
 * place and wiped before the next narrated line; elsewhere (a CI log) a plain line now and then.
 */
class Progress {
  private readonly tty: boolean;
  private timer: NodeJS.Timeout | undefined;
  private label = '';
  private quietSince = Date.now();
  private calls = 0;
  private last: Call | undefined;
  private readonly open = new Set<Call>();
  private drawn = false;
  private plainAt = 0;

  constructor(private readonly out: NodeJS.WriteStream) {
    this.tty = out.isTTY === true;
  }

  /** A scenario or a step begins: the label changes, the clock restarts. */
  start(label: string) {
    this.label = label;
    this.heard();
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tty ? 200 : Math.min(500, PROGRESS_AFTER_MS / 2));
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    this.wipe();
    this.open.clear();
  }

  /** A narrated line: the wait, if any, is over. */
  heard() {
    this.wipe();
    this.quietSince = Date.now();
    this.calls = 0;
    this.plainAt = 0;
  }

  /** Wraps the scenario's fetch so the line can say which call it waits on. */
  watch(fetch: FetchLike, urls: Record<string, string>): FetchLike {
    const names = new Map(Object.entries(urls).map(([name, url]) => [new URL(url).host, name]));
    return async (input, init) => {
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      let where = String(input instanceof Request ? input.url : input);
      try {
        const url = new URL(where);
        where = `${names.get(url.host) ?? url.host} ${url.pathname}`;
      } catch {
        // not a URL this can shorten: shown as given
      }
      const call: Call = { label: `${method} ${where}`, started: Date.now() };
      this.calls += 1;
      this.last = call;
      this.open.add(call);
      try {
        const res = await fetch(input, init);
        call.status = res.status;
        return res;
      } catch (err) {
        call.status = 'failed';
        throw err;
      } finally {
        this.open.delete(call);
      }
    };
  }

  private text(waited: number, digits: number): string {
    const parts = [`${this.label}: waiting ${seconds(waited, digits)}`];
    const pending = [...this.open].at(-1);
    if (pending) parts.push(`${pending.label} open for ${seconds(Date.now() - pending.started, digits)}`);
    else if (this.last) {
      const calls = this.calls === 1 ? '1 call' : `${this.calls} calls`;
      parts.push(this.calls ? `${calls} meanwhile, last ${this.last.label} → ${this.last.status}` : '');
    }
    return parts.filter(Boolean).join(' · ');
  }

  private tick() {
    const waited = Date.now() - this.quietSince;
    if (waited < PROGRESS_AFTER_MS) return;
    if (this.tty) {
      // Cut to the terminal's width: a wrapped line could not be redrawn in place.
      const width = Math.max(20, (this.out.columns || 80) - 1);
      this.out.write(`\r\x1b[2K${dim(`  … ${this.text(waited, 1)}`.slice(0, width))}`);
      this.drawn = true;
    } else if (Date.now() >= this.plainAt) {
      this.out.write(`     … ${this.text(waited, 0)}\n`);
      this.plainAt = Date.now() + PROGRESS_AFTER_MS * 2.5;
    }
  }

  private wipe() {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

const progress = new Progress(human);
/** A line for people: stdout, or stderr in JSON mode; a progress line on screen is wiped first. */
const say = (line: string) => {
  progress.heard();
  human.write(`${line}\n`);
};

interface StepRecord {
  step: number;
  title: string;
  started: number;
  narration: Narration[];
}

/** The JSON objects of one run: each step when the next begins or the run ends, then the scenario. */
function jsonRecorder(s: Scenario) {
  let current: StepRecord | undefined;
  const before: Narration[] = [];
  const line = (n: Narration) => ({
    text: n.text,
    at: new Date(n.at).toISOString(),
    ...(n.data === undefined ? {} : { data: n.data }),
  });
  const close = (status: 'passed' | 'failed', error?: string) => {
    if (!current) return;
    const ended = Date.now();
    emit({
      type: 'step',
      scenario: s.id,
      step: current.step,
      title: current.title,
      status,
      startedAt: new Date(current.started).toISOString(),
      durationMs: ended - current.started,
      narration: current.narration.map(line),
      ...(error ? { error } : {}),
    });
    current = undefined;
  };
  return {
    narrate(n: Narration) {
      if (n.text.startsWith('step ') && n.step !== null) {
        close('passed');
        current = { step: n.step + 1, title: s.steps[n.step] ?? n.text, started: n.at, narration: [] };
      } else (current?.narration ?? before).push(n);
    },
    close,
    /** Lines said outside any step, for the scenario object. */
    loose: () => before.map(line),
  };
}

/** Runs one scenario, narrated for people or recorded for machines; true when it ran to the end. */
async function runOne(
  s: Scenario,
  urls: ServiceUrls,
  params: Record<string, string | number>,
  fixtureUrls: Record<string, string> = {},
) {
  const record = jsonMode ? jsonRecorder(s) : undefined;
  if (!jsonMode) say(`\n${bold(`${s.id} — ${s.title}`)}\n${dim(s.story)}\n`);
  progress.start(s.id);
  const run = await runScenario(s, {
    urls,
    keys: {
      payments: process.env.STRIPE_SECRET_KEY ?? 'sk_test_hooklab',
      logistics: process.env.LOGISTICS_API_KEY ?? 'lg_test_hooklab',
    },
    params,
    fetch: progress.watch(createTracedFetch({ from: 'walkthrough' }), { ...urls, ...fixtureUrls }),
    onNarration: (n) => {
      const stepStarts = n.text.startsWith('step ') && n.step !== null;
      if (stepStarts) progress.start(`${s.id} step ${n.step! + 1}`);
      if (record) {
        progress.heard();
        record.narrate(n);
      } else if (stepStarts) {
        say(`  ${bold(`${n.step! + 1}.`)} ${s.steps[n.step!] ?? n.text}`);
      } else {
        say(`     ${n.text}`);
        if (verbose && n.data !== undefined) say(dim(`       ${json(n.data)}`));
      }
    },
  });
  progress.stop();
  const connection = !run.ok && !ownStack && isConnectionError(run.error);
  if (connection) connectionFailures += 1;
  if (record) {
    record.close(run.ok ? 'passed' : 'failed', run.ok ? undefined : run.error.message || run.error.name);
    const details = run.ok ? undefined : (run.error as { details?: unknown }).details;
    emit({
      type: 'scenario',
      scenario: s.id,
      title: s.title,
      status: run.ok ? 'passed' : 'failed',
      traceId: run.traceId,
      durationMs: run.durationMs,
      ...(record.loose().length ? { narration: record.loose() } : {}),
      ...(run.ok
        ? { result: run.result }
        : {
            error: {
              name: run.error.name,
              message: run.error.message,
              ...(details === undefined ? {} : { details }),
            },
          }),
      ...(connection ? { hint: HINT } : {}),
    });
    return run.ok;
  }
  if (run.ok) {
    say(`  ${bold('✓')} done in ${run.durationMs} ms`);
    if (verbose && run.result !== undefined) say(dim(`  ${json(run.result)}`));
    return true;
  }
  say(`  ${bold('✗')} ${run.error.message || run.error.name}`);
  const details = (run.error as { details?: unknown }).details;
  if (verbose && details !== undefined) say(dim(`    ${json(details)}`));
  if (connection) say(`    ${HINT}`);
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
      connectionFailures += 1;
      if (jsonMode) {
        emit({
          type: 'scenario',
          scenario: s.id,
          title: s.title,
          status: 'failed',
          error: { name: 'Unreachable', message: missing.map((a) => `${a}: ${down.get(a)}`).join('; ') },
          unreachable: Object.fromEntries(missing.map((a) => [a, down.get(a)])),
          hint: HINT,
        });
        continue;
      }
      say(`\n${bold(`${s.id} — ${s.title}`)}`);
      for (const a of missing) say(`  ${bold('✗')} ${a}: ${down.get(a)}`);
      say(`    ${HINT}`);
      continue;
    }
    const params: Record<string, string | number> = {};
    const fixtureUrls: Record<string, string> = {};
    if (s.id === 'S09') {
      // The S09 sender and receiver are fixtures of this folder, loaded only when S09 runs.
      const [{ startSender }, { startReceiver }] = [
        await import('./s09/sender.ts'),
        await import('./s09/receiver.ts'),
      ];
      const [sender, receiver] = [await startSender(), await startReceiver()];
      fixtures.push(sender, receiver);
      Object.assign(params, { sender_url: sender.url, receiver_url: receiver.url });
      Object.assign(fixtureUrls, { sender: sender.url, receiver: receiver.url });
    }
    if (!(await runOne(s, urls, params, fixtureUrls))) failed += 1;
  }
  if (!jsonMode) {
    say(`\n${list.length - failed} of ${list.length} scenarios ran to the end.`);
    if (connectionFailures) say(HINT);
  }
} catch (err) {
  failed += 1;
  progress.stop();
  console.error(`walkthrough: ${(err as Error).message}`);
} finally {
  for (const f of fixtures) await f.close();
  await stack?.stop();
}
process.exit(failed ? 1 : 0);
