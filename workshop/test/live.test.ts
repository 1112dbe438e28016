// `pnpm workshop run 05` against a real logistics: the reference client gets a quote, and logistics'
// recorder keeps the mark on every request of it (the console's ✎05).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../../apps/logistics/src/index.ts';
import { EXERCISES, loadImpl } from '../exercises.ts';

const ex = EXERCISES.find((e) => e.id === '05')!;
let logistics: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  logistics = await start({
    HOOKLAB_DEV: '1',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    LOGISTICS_QUOTE_MS: '100',
  });
});
afterAll(() => logistics?.close());

describe('pnpm workshop run 05', () => {
  it('the solution follows a real quote to its result; every request is marked 05', async () => {
    const live = await ex.live!();
    process.env.LOGISTICS_URL = logistics.url;
    const { result, summary } = await live((await loadImpl(ex, 'solution')) as never);
    expect(result).toMatchObject({ currency: expect.any(String), amount_cents: expect.any(Number) });
    expect(summary).toMatch(/poll/);
    const seen = logistics.recorder.list().filter((e) => e.url.includes('/v1/quotes'));
    expect(seen.map((e) => `${e.method} ${e.status}`)).toEqual(
      expect.arrayContaining(['POST 202', 'GET 303', 'GET 200']),
    );
    expect(seen.every((e) => e.requestHeaders['x-hooklab-exercise'] === '05')).toBe(true);
  });
});
