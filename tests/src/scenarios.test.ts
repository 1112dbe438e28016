// Every scenario that needs only the apps, run against one in-process stack on free ports, exactly as
// the walkthrough and the console run them.
import {
  createContext,
  type LogisticsCrudResult,
  type OrderFulfilmentResult,
  type PaymentsCrudResult,
  type PollingVsWebhookResult,
  type S03Result,
  type S05Result,
  type S06Result,
  type S07Result,
  type ScenarioContext,
  type ScenarioId,
  scenarios,
} from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['payments', 'logistics', 'shop', 'slack', 'notifier'], {
    env: {
      LOGISTICS_STAGE_MS: '20',
      LOGISTICS_QUOTE_MS: '300',
      PAYMENTS_PROCESSING_DELAY_MS: '1500',
      SHOP_POLL_INTERVAL_MS: '200',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function run<R>(id: ScenarioId, params: ScenarioContext['params'] = {}) {
  const scenario = scenarios[id];
  if (!scenario) throw new Error(`scenario ${id} is not registered`);
  const ctx = createContext({
    scenario: id,
    urls: stack.urls,
    keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
    params,
  });
  const result = (await scenario.run(ctx)) as R;
  // Every step the scenario declares was narrated, in order.
  const steps = ctx.narration.flatMap((n) => (n.text.startsWith('step ') && n.step !== null ? [n.step] : []));
  expect(steps).toEqual(scenario.steps.map((_, i) => i));
  return { result, ctx };
}

describe('scenarios on the in-process stack', () => {
  it('S01: CRUD with rights checked on payments (SDK) and logistics (JSON)', async () => {
    const { result } = await run<{ payments: PaymentsCrudResult; logistics: LogisticsCrudResult }>('S01');
    // The scenario checks each body as it goes (so the console and the walkthrough fail on them too); the
    // figures it returns say which answers it saw.
    expect(result.payments.errors).toEqual([
      expect.objectContaining({ status: 401, type: 'invalid_request_error', code: 'api_key_missing' }),
      expect.objectContaining({ status: 403, type: 'permission_error', code: 'insufficient_permissions' }),
      expect.objectContaining({
        status: 404,
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'intent',
        message: `No such payment_intent: '${result.payments.paymentIntentId}'`,
      }),
    ]);
    expect(result.logistics.errors).toEqual([
      expect.objectContaining({
        status: 401,
        code: 'unauthorized',
        type: expect.stringMatching(/\/unauthorized$/),
      }),
      expect.objectContaining({
        status: 403,
        code: 'insufficient_scope',
        title: 'This API key is read-only',
      }),
      expect.objectContaining({
        status: 404,
        code: 'not_found',
        title: expect.stringContaining(result.logistics.shipmentId),
      }),
    ]);
  });

  it('S02: polling costs requests that tell nothing new; the webhook costs none', async () => {
    const { result, ctx } = await run<PollingVsWebhookResult>('S02');
    expect(result.polling.requests_made).toBeGreaterThan(1);
    expect(result.polling.requests_nothing_new).toBeGreaterThan(0);
    expect(result.webhook.requests_made).toBe(0);
    expect(result.webhook.deliveries_received).toBeGreaterThanOrEqual(1);
    expect(ctx.narration.some((n) => n.text.startsWith('polling (every 200 ms)'))).toBe(true);
  });

  it('S03: registering a callback URL; the official SDK verifies real deliveries and refuses forgeries', async () => {
    const { result } = await run<S03Result>('S03');
    expect(result.delivered).toBeGreaterThan(0);
    expect(result.refused.map((r) => r.kind)).toEqual([
      'tampered body',
      'stale timestamp (10 min old)',
      'wrong secret',
      'no signature',
    ]);
    expect(result.refused.every((r) => r.status === 400)).toBe(true);
    expect(result.disabledReceived).toBe(0);
  });

  it('S04: paid → fulfilled → delivered by callbacks, out of stock reported, logistics never polled', async () => {
    const { result } = await run<OrderFulfilmentResult>('S04');
    expect(result.statuses.at(-1)).toBe('delivered');
    expect(result.statuses).toEqual(expect.arrayContaining(['paid', 'fulfilled', 'delivered']));
    expect(result.shipment?.tracking_number).toBeTruthy();
    expect(result.outOfStock?.reason).toBe('out_of_stock');
    expect(result.outOfStock?.refunded).toBe(true);
    expect(result.shopCallsToLogistics.length).toBeGreaterThan(0);
    expect(result.shopCallsToLogistics.every((e) => e.url.endsWith('/v1/inbound/orders'))).toBe(true);
  });

  it('S05: 202 at once; the callback and the status URL give the same result', async () => {
    const { result } = await run<S05Result>('S05');
    expect(result.callbackEqualsPolled).toBe(true);
    expect(result.pollStatuses).toContain(303);
    expect(result.polls).toBeGreaterThan(0);
  });

  it('S06: results go to a third party that consented, not to the caller', async () => {
    const { result } = await run<S06Result>('S06');
    expect(result.handshakeOrigin).toBeTruthy();
    expect(result.thirdPartyEvents).toEqual(
      expect.arrayContaining(['shipment.fulfilled', 'shipment.delivered']),
    );
    expect(result.callerReceived).toBe(0);
  });

  it('S07: a multi-MB manifest travels by reference; forged and expired URLs are refused', async () => {
    const { result } = await run<S07Result>('S07', { manifest_bytes: 3 * 1024 * 1024 });
    expect(result.manifestBytes).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(result.callbackBytes).toBeLessThan(2048);
    expect(result.sha256Matches).toBe(true);
    expect(result.tampered).toBe(403);
    expect(result.expired).toBe(410);
  });
});
