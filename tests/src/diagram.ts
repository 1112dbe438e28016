// `pnpm diagram S04 [--param k=v …] [--env K=V …]`: runs one scenario from the console of an in-process stack
// (its actors + the console), exactly as the Run button does, then prints the console's Mermaid export of the
// run's trace. The scenario pages' diagrams come from here: a real run, not a drawing.
import { parseArgs } from 'node:util';
import { scenarioCatalog } from '@hooklab/scenarios';
import type { ServiceName } from '@hooklab/service';
import { startStack } from './stack.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { param: { type: 'string', multiple: true }, env: { type: 'string', multiple: true } },
});
const id = positionals[0]?.toUpperCase();
const info = scenarioCatalog().find((s) => s.id === id);
if (!info?.built) {
  console.error(
    `usage: pnpm diagram <S01…S15> [--param name=value] [--env NAME=value]\n${id ?? '(none)'} is not a built scenario`,
  );
  process.exit(2);
}
const pairs = (list: string[] = []) =>
  Object.fromEntries(
    list.map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
const params: Record<string, string | number | boolean> = {};
for (const [k, v] of Object.entries(pairs(values.param)))
  params[k] =
    v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) && v !== '' ? Number(v) : v;

const apps = [...new Set<ServiceName>([...info.actors, 'console'])];
// Short stages, as the tests use, so a run takes seconds; anything can be overridden with --env.
const stack = await startStack(apps, {
  env: {
    LOGISTICS_STAGE_MS: '200',
    LOGISTICS_QUOTE_MS: '500',
    PAYMENTS_PROCESSING_DELAY_MS: '1500',
    ...pairs(values.env),
  },
});
try {
  const api = `${stack.urls.console}/api`;
  const started = await fetch(`${api}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: id, params }),
  });
  if (started.status !== 202)
    throw new Error(`the console answered ${started.status}: ${await started.text()}`);
  const run = (await started.json()) as { id: string; traceId: string };
  let status = 'running';
  let error: string | undefined;
  while (status === 'running') {
    await new Promise((r) => setTimeout(r, 250));
    ({ status, error } = (await (await fetch(`${api}/runs/${run.id}`)).json()) as {
      status: string;
      error?: string;
    });
  }
  if (status !== 'passed') throw new Error(`${id} ${status}: ${error}`);
  // Late arrivals (the last delivery's answer, a retry) settle: wait until the trace stops growing for a second.
  let text = '';
  for (let quiet = 0; quiet < 4; ) {
    await new Promise((r) => setTimeout(r, 250));
    const next = await (await fetch(`${api}/traces/${run.traceId}/mermaid`)).text();
    quiet = next === text ? quiet + 1 : 0;
    text = next;
  }
  process.stdout.write(text);
} finally {
  await stack.stop();
}
