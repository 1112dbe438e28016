// S11's table: `pnpm bench ticker`. Hub and ticker run as their own processes (as in production); the S11
// scenario itself (push subscriber + pollers) runs here, so the table is exactly what S11 counts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, type S11Result, type SideFigures, scenarios } from '@hooklab/scenarios';
import { startAppProcess } from '@hooklab/service/bench';
import { freePort } from '@hooklab/service/ports';

const HUB = fileURLToPath(new URL('../../hub/src/server.ts', import.meta.url));
const TICKER = fileURLToPath(new URL('./server.ts', import.meta.url));

/** Time runs SCALE times faster than the nominal figures: rates ×SCALE, intervals and duration ÷SCALE. */
const SCALE = Number(process.env.BENCH_SCALE ?? 3);
const NOMINAL_SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const RATES = [1, 10];
const POLLS_S = [1, 5, 30];

/** Hub and ticker as in production (not dev mode), loopback allowed: the scenario's subscriber is here. */
const startServer = (entry: string, env: Record<string, string>) =>
  startAppProcess(entry, {
    HOOKLAB_DEV: '0',
    WEBHOOK_ALLOW_LOOPBACK: '1',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    ...env,
  });

async function runRate(rate: number): Promise<S11Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hooklab-ticker-bench-'));
  const [hubPort, tickerPort] = [await freePort(), await freePort()];
  const urls = { HUB_URL: `http://127.0.0.1:${hubPort}`, TICKER_URL: `http://127.0.0.1:${tickerPort}` };
  const hub = await startServer(HUB, { ...urls, PORT: String(hubPort), DATA_DIR: dataDir });
  const ticker = await startServer(TICKER, {
    ...urls,
    PORT: String(tickerPort),
    TICKER_SYMBOLS: 'ACME',
    TICKER_UPDATES_PER_SECOND: String(rate * SCALE),
  });
  try {
    const ctx = createContext({
      scenario: 'S11',
      urls: { hub: urls.HUB_URL, ticker: urls.TICKER_URL } as never,
      params: {
        symbols: 'ACME',
        poll_intervals_ms: POLLS_S.map((s) => Math.round((s * 1000) / SCALE)).join(','),
        duration_ms: Math.round((NOMINAL_SECONDS * 1000) / SCALE),
        timeout_ms: 60_000,
      },
    });
    return (await scenarios.S11!.run(ctx)) as S11Result;
  } finally {
    await ticker.close();
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (n: number | null, times = 1) => (n === null ? '—' : String(Math.round(n * times)));

function row(rate: number, f: SideFigures, changes: number): string {
  // Polling staleness is mostly the interval, which was scaled: shown back at nominal speed. Push staleness is
  // network and hub latency, which does not scale: shown as measured.
  const k = f.side === 'poll' ? SCALE : 1;
  const how =
    f.side === 'push' ? 'push (WebSub)' : `poll every ${Math.round((f.interval_ms! * SCALE) / 1000)} s`;
  return `| ${rate}/s | ${how} | ${f.requests_made} | ${f.requests_nothing_new} | ${f.deliveries_received} | ${f.changes_seen}/${changes} | ${ms(f.staleness_ms.p50, k)} | ${ms(f.staleness_ms.p99, k)} |`;
}

const lines = [
  `S11: one symbol for ${NOMINAL_SECONDS} s of nominal time, run ${SCALE}× faster (${Math.round(NOMINAL_SECONDS / SCALE)} s per rate):`,
  `rates ×${SCALE}, polling intervals and duration ÷${SCALE}; counts are as at nominal speed, polling staleness`,
  'is shown ×' + SCALE + ' (back at nominal speed), push staleness as measured (latency does not scale).',
  '',
  '| updates | side | requests | nothing new | deliveries | changes seen | staleness p50 (ms) | staleness p99 (ms) |',
  '| ------- | ---- | -------- | ----------- | ---------- | ------------ | ------------------ | ------------------ |',
];
for (const rate of RATES) {
  const r = await runRate(rate);
  lines.push(row(rate, r.push, r.changes));
  for (const p of r.polls) lines.push(row(rate, p, r.changes));
}
console.log(lines.join('\n'));
