// `pnpm bench`: runs each bench in its own process, one after another, and lets each print its table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = [
  { name: 'delivery engine', entry: 'packages/webhooks/src/bench/run.ts' },
  { name: 'payments', entry: 'apps/payments/src/bench.ts' },
  { name: 'shop', entry: 'apps/shop/src/bench.ts' },
  { name: 'logistics', entry: 'apps/logistics/src/bench.ts' },
  { name: 'slack', entry: 'apps/slack/src/bench.ts' },
  { name: 'notifier (shop event → Slack message)', entry: 'apps/notifier/src/bench.ts' },
  { name: 'hub fan-out', entry: 'apps/hub/src/bench.ts' },
  { name: 'ticker polling vs push (S11)', entry: 'apps/ticker/src/bench.ts' },
  { name: 'social (post → #social)', entry: 'apps/social/src/bench.ts' },
  { name: 'transports', entry: 'packages/webhooks/src/transport/bench.ts' },
  { name: 'S14 end to end (our code vs stage waits)', entry: 'tests/src/bench-s14.ts' },
].filter((b) => existsSync(b.entry));
// `pnpm bench payments` runs only the benches whose name contains one of the words given.
const only = process.argv.slice(2);
const benches = only.length ? all.filter((b) => only.some((w) => b.name.includes(w))) : all;

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench.name} (${bench.entry}) ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', bench.entry], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
