// The terminal walkthrough: runs scenarios, narrated, against the running apps (`pnpm dev`), or with
// `--stack` against apps it starts in this process. Usage: pnpm walkthrough [S01 S04 …] [--stack]
import { createContext, type Scenario, type ScenarioId, scenarios } from '@hooklab/scenarios';
import { createTracedFetch, type RunningApp, type ServiceName, serviceUrls } from '@hooklab/service';
import { startReceiver } from './s09/receiver.ts';
import { startSender } from './s09/sender.ts';
import { type Stack, startStack } from './stack.ts';

const args = process.argv.slice(2);
const ownStack = args.includes('--stack');
const wanted = args.filter((a) => /^S\d\d$/i.test(a)).map((a) => a.toUpperCase() as ScenarioId);
const list = (wanted.length ? wanted : (Object.keys(scenarios) as ScenarioId[]).sort()).map((id) => {
  const s = scenarios[id];
  if (!s) {
    console.error(`No scenario ${id}. Known: ${Object.keys(scenarios).sort().join(', ')}`);
    process.exit(2);
  }
  return s;
});

const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;

async function runOne(
  s: Scenario,
  urls: ReturnType<typeof serviceUrls>,
  extra: Record<string, string | number>,
) {
  console.log(`\n${bold(`${s.id} — ${s.title}`)}\n${dim(s.story)}\n`);
  const ctx = createContext({
    scenario: s.id,
    urls,
    keys: {
      payments: process.env.STRIPE_SECRET_KEY ?? 'sk_test_hooklab',
      logistics: process.env.LOGISTICS_API_KEY ?? 'lg_test_hooklab',
    },
    params: extra,
    fetch: createTracedFetch({ from: 'walkthrough' }),
    onNarration: (n) => {
      if (n.text.startsWith('step ') && n.step !== null)
        console.log(`  ${bold(`${n.step + 1}.`)} ${s.steps[n.step] ?? ''}`);
      else console.log(`     ${n.text}`);
    },
  });
  const started = Date.now();
  const result = await s.run(ctx);
  console.log(`  ${bold('✓')} done in ${Date.now() - started} ms`);
  if (result !== undefined) console.log(dim(`  ${JSON.stringify(result)}`));
}

let stack: Stack | undefined;
const fixtures: RunningApp[] = [];
let failed = 0;
try {
  let urls = serviceUrls(process.env);
  if (ownStack) {
    const actors = [...new Set(list.flatMap((s) => s.actors))] as ServiceName[];
    stack = await startStack(actors);
    urls = stack.urls;
  }
  for (const s of list) {
    const extra: Record<string, string | number> = {};
    if (s.id === 'S09') {
      const [sender, receiver] = [await startSender(), await startReceiver()];
      fixtures.push(sender, receiver);
      Object.assign(extra, { sender_url: sender.url, receiver_url: receiver.url });
    }
    try {
      await runOne(s, urls, extra);
    } catch (err) {
      failed += 1;
      console.log(`  ✗ ${err instanceof Error ? err.message : String(err)}`);
      if (!ownStack && err instanceof TypeError)
        console.log(dim('    (are the apps running? `pnpm dev`, or add --stack)'));
    }
  }
} finally {
  for (const f of fixtures) await f.close();
  await stack?.stop();
}
process.exit(failed ? 1 : 0);
