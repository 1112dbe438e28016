// Every scenario that needs only the apps, run against one in-process stack on free ports.
import {
  createContext,
  type LogisticsCrudResult,
  type PaymentsCrudResult,
  type ScenarioContext,
  type ScenarioId,
  scenarios,
} from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['payments', 'logistics', 'shop'], {
    env: { LOGISTICS_STAGE_MS: '30', LOGISTICS_QUOTE_MS: '300', PAYMENTS_PROCESSING_DELAY_MS: '1500' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

function ctxFor(id: ScenarioId, params: ScenarioContext['params'] = {}) {
  return createContext({
    scenario: id,
    urls: stack.urls,
    keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
    params,
  });
}

async function run<R>(id: ScenarioId, params: ScenarioContext['params'] = {}): Promise<R> {
  const scenario = scenarios[id];
  if (!scenario) throw new Error(`scenario ${id} is not registered`);
  return (await scenario.run(ctxFor(id, params))) as R;
}

describe('scenarios on the in-process stack', () => {
  it('S01: CRUD with rights checked on payments (SDK) and logistics (JSON)', async () => {
    const r = await run<{ payments: PaymentsCrudResult; logistics: LogisticsCrudResult }>('S01');
    expect(r.payments.errors.map((e) => e.status)).toEqual([401, 403, 404]);
    expect(r.logistics.errors.map((e) => e.status)).toEqual([401, 403, 404]);
  });

  it('S02: polling versus webhook, with real counts', async () => {
    const r = await run<Record<string, unknown>>('S02');
    expect(r).toBeTruthy();
  });

  it('S03: registering a callback URL; the official SDK verifies real deliveries', async () => {
    const r = await run<Record<string, unknown>>('S03');
    expect(r).toBeTruthy();
  });

  it('S04: paid order → logistics → fulfilled → delivered, no polling', async () => {
    const r = await run<Record<string, unknown>>('S04');
    expect(r).toBeTruthy();
  });

  it('S05: 202 Accepted, callback and status URL give the same result', async () => {
    const r = await run<Record<string, unknown>>('S05');
    expect(r).toBeTruthy();
  });

  it('S06: results go to a third party that consented, not to the caller', async () => {
    const r = await run<Record<string, unknown>>('S06');
    expect(r).toBeTruthy();
  });

  it('S07: a multi-MB manifest travels by reference', async () => {
    const r = await run<Record<string, unknown>>('S07', { manifest_bytes: 3 * 1024 * 1024 });
    expect(r).toBeTruthy();
  });
});
