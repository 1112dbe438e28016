// `pnpm bench`: runs each bench in its own process, one after another, and lets each print its table.
import { spawnSync } from 'node:child_process';

const benches = [{ name: 'delivery engine', entry: 'packages/webhooks/src/bench/run.ts' }];

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench.name} (${bench.entry}) ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', bench.entry], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
