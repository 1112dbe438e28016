// Bench: S14 end to end (the customer pays → the shop has taken `shipment.delivered`), with compressed logistics
// stages, split from the trace into time our code was running vs time spent waiting on stages.
// Every app runs in this process (tests/src/stack.ts). Per run, from the run's trace in every app's recorder:
//   total     t0 = start of the hosted page's POST /pay/… at payments, t1 = end of the shop's last
//             /webhooks/logistics (shipment.delivered);
//   our code  the union of the spans on the critical path (the payment, payments → shop webhooks, order.created,
//             logistics → shop callbacks) in [t0, t1]: a service of ours working on this order;
//   stages    the logistics stage timers on the way (5 × LOGISTICS_STAGE_MS: picking → … → delivered);
//   other     the rest: outbox dispatchers and the job runner noticing due work, the event loop's queueing;
//   side      e-mails, the pick list, the notifier and its Slack posts: off the critical path (union of spans).
// Run: pnpm exec tsx tests/src/bench-s14.ts [runs=5] (env BENCH_S14_STAGE_MS, default 100).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario, scenarios } from '@hooklab/scenarios';
import { createTracedFetch, type Exchange, type ServiceName } from '@hooklab/service';
import { startStack } from './stack.ts';

const RUNS = Number(process.argv[2] ?? 5);
const STAGE_MS = Number(process.env.BENCH_S14_STAGE_MS ?? 100);
const STAGES = 5;
const APPS: ServiceName[] = ['payments', 'logistics', 'shop', 'slack', 'notifier', 'mailbox'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};

/** Total length of the union of intervals, clipped to [from, to]. */
function unionMs(intervals: [number, number][], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (a > end) {
      total += b - a;
      end = b;
    } else if (b > end) {
      total += b - end;
      end = b;
    }
  }
  return total;
}

const dir = mkdtempSync(join(tmpdir(), 'hooklab-bench-s14-'));
const queueDb = join(dir, 'queues.sqlite');
const stack = await startStack(APPS, {
  env: {
    QUEUE_DB: queueDb,
    LOGISTICS_STAGE_MS: String(STAGE_MS),
    SHOP_POLL_INTERVAL_MS: '200',
    NOTIFIER_REGISTER_RETRY_MS: '50',
  },
});

interface Row {
  total: number;
  busy: number;
  stages: number;
  other: number;
  side: number;
  exchanges: number;
}
const rows: Row[] = [];
try {
  for (let i = 0; i <= RUNS; i++) {
    const run = await runScenario(scenarios.S14!, {
      urls: stack.urls,
      keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
      params: { timeout_ms: 60_000, queue_db: queueDb },
      fetch: createTracedFetch({ from: 'client' }),
    });
    if (!run.ok) throw run.error;
    const all: Exchange[] = APPS.flatMap((a) =>
      stack.apps[a]!.recorder.list({ traceId: run.traceId, limit: 5000 }),
    );
    const start = (e: Exchange) => e.at - (e.durationMs ?? 0);
    const paid = all.filter((e) => e.direction === 'in' && e.from === 'client' && /\/pay\//.test(e.url));
    const delivered = all.filter((e) => e.direction === 'in' && e.url.endsWith('/webhooks/logistics'));
    if (!paid.length || !delivered.length)
      throw new Error('the trace lacks the payment or the last callback');
    const t0 = Math.min(...paid.map(start));
    const t1 = Math.max(...delivered.map((e) => e.at));
    const appToApp = all.filter((e) => e.from !== 'client' && e.from !== 'console');
    const critical = (e: Exchange) =>
      /\/webhooks\/(stripe|logistics)$|\/v1\/inbound\/orders$/.test(e.url) &&
      (e.from === 'payments' || e.from === 'shop' || e.from === 'logistics');
    const span = (e: Exchange): [number, number] => [start(e), e.at];
    const busy = unionMs([...paid, ...appToApp.filter(critical)].map(span), t0, t1);
    const side = unionMs(appToApp.filter((e) => !critical(e)).map(span), t0, t1);
    const total = t1 - t0;
    const stages = STAGES * STAGE_MS;
    // Run 0 warms the stack up (JIT, connections, first SMTP session) and is not counted.
    if (i > 0) rows.push({ total, busy, stages, other: total - busy - stages, side, exchanges: all.length });
  }
} finally {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n: number) => n.toFixed(1).padStart(8);
console.log(
  `S14 end to end, ${RUNS} runs after a warm-up, LOGISTICS_STAGE_MS=${STAGE_MS} (${STAGES} stage waits)`,
);
console.log('run     total ms   in our code   stage waits   other waits   side work   exchanges in trace');
for (const [i, r] of rows.entries())
  console.log(
    `${String(i + 1).padEnd(6)}${fmt(r.total)}     ${fmt(r.busy)}      ${fmt(r.stages)}      ${fmt(r.other)}    ${fmt(r.side)}    ${r.exchanges}`,
  );
const m = (k: keyof Row) => median(rows.map((r) => r[k]));
console.log(
  `median${fmt(m('total'))}     ${fmt(m('busy'))}      ${fmt(m('stages'))}      ${fmt(m('other'))}    ${fmt(m('side'))}    ${m('exchanges')}`,
);
console.log(
  `in our code: ${((m('busy') / m('total')) * 100).toFixed(1)} % of click → delivered; ` +
    `stage waits ${((m('stages') / m('total')) * 100).toFixed(1)} %`,
);
process.exit(0);
