// Slack bench: `pnpm bench slack` (or `pnpm exec tsx apps/slack/src/bench.ts`). chat.postMessage through the
// official @slack/web-api client against slack in its own process, sequential and 16 at once, as a ratio to a
// trivial route (`api.test`: no token, no database) called by the same client in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, startAppProcess } from '@hooklab/service/bench';
import { LogLevel, WebClient } from '@slack/web-api';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = Math.min(200, REQUESTS);
const CONCURRENCY = 16;
/** The target: chat.postMessage keeps at least this share of the trivial route's throughput. */
const TARGET_RATIO = 0.25;

/** Slack in its own process (not dev mode, no rate limits: the bench measures the API, not the limiter). */
function startSlack(dir: string) {
  return startAppProcess(SERVER, {
    PORT: '0',
    HOOKLAB_DEV: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dir,
    SLACK_RATE_LIMIT_SCALE: '0',
  });
}

/** Runs `n` calls, `concurrency` at a time; returns calls/s and the p99 latency in ms. */
async function measure(n: number, concurrency: number, call: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await call(i);
        times.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return { perSec: n / seconds, p99: percentile(times, 99) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'slack-bench-'));
  const slack = await startSlack(dir);
  try {
    const client = new WebClient('xoxb-hooklab', {
      slackApiUrl: `${slack.url}/api/`,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
    });
    const post = async (i: number) => {
      const res = await client.chat.postMessage({ channel: '#orders', text: `Order ORD-${i} paid` });
      if (!res.ok) throw new Error(`chat.postMessage: ${res.error}`);
    };
    const trivial = async () => {
      const res = await client.api.test();
      if (!res.ok) throw new Error('api.test failed');
    };
    for (let i = 0; i < WARMUP; i++) {
      await post(i);
      await trivial();
    }
    const rows = [];
    for (const concurrency of [1, CONCURRENCY]) {
      const floor = await measure(REQUESTS, concurrency, trivial);
      const messages = await measure(REQUESTS, concurrency, post);
      rows.push({
        mode: concurrency === 1 ? 'sequential' : `${concurrency} concurrent`,
        'postMessage msgs/s': messages.perSec.toFixed(0),
        'postMessage p99 ms': messages.p99.toFixed(2),
        'api.test calls/s': floor.perSec.toFixed(0),
        'api.test p99 ms': floor.p99.toFixed(2),
        ratio: `${((messages.perSec / floor.perSec) * 100).toFixed(0)} %`,
        target: `≥ ${TARGET_RATIO * 100} %`,
        met: messages.perSec / floor.perSec >= TARGET_RATIO ? 'yes' : 'NO',
      });
    }
    console.log(`chat.postMessage through @slack/web-api, ${REQUESTS} calls per row (file database)`);
    console.table(rows);
    if (rows.some((r) => r.met !== 'yes')) process.exitCode = 1;
  } finally {
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
