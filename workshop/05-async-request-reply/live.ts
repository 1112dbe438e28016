// `pnpm workshop run 05`: the attendee's client asks the running logistics for a real quote. Each request
// carries x-hooklab-exercise, so the console marks the POST, the polls and the result ✎05.
import type * as Impl from './solution/follow-202.ts';

export async function live(impl: typeof Impl, env: Record<string, string | undefined> = process.env) {
  const base = env.LOGISTICS_URL ?? `http://localhost:${env.LOGISTICS_PORT ?? 3003}`;
  const key = env.LOGISTICS_DEV_API_KEY ?? 'lg_test_hooklab';
  const started = performance.now();
  const { result, polls, waitedMs } = await impl.submitAndFollow(
    `${base}/v1/quotes`,
    { origin_postal_code: '75001', destination_postal_code: '69002', weight_grams: 1800 },
    { headers: { authorization: `Bearer ${key}`, 'x-hooklab-exercise': '05', 'x-hooklab-from': 'workshop' } },
  );
  const ms = Math.round(performance.now() - started);
  return {
    result,
    summary: `quote in ${ms} ms: ${polls} poll(s) of the status URL, ${waitedMs} ms waited as Retry-After asked`,
  };
}
