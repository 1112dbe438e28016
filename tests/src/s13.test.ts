// S13 on the in-process stack: a person asks the bot about an order in the Slack stand-in, the notifier answers
// in the thread from the shop's API, and the Refund button refunds the order through payments.
import { createContext, type S13Result, scenarios } from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(['payments', 'shop', 'slack', 'notifier'], {
    env: { SHOP_POLL_INTERVAL_MS: '200', NOTIFIER_REGISTER_RETRY_MS: '50' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('S13: chat — API to send, webhook to receive', () => {
  it('answers "order ord_…?" in the thread from the shop API, and refunds from the Refund button', async () => {
    const ctx = createContext({ scenario: 'S13', urls: stack.urls, params: { timeout_ms: 20_000 } });
    const result = (await scenarios.S13!.run(ctx)) as S13Result;
    expect(result.answer).toContain(result.orderId);
    expect(result.answer).toMatch(/is paid/);
    expect(result.refundNote).toMatch(/^Refund `re_/);
    expect(result.finalStatus).toBe('refunded');
    // The notifier's calls and Slack's deliveries are in the recorders: both directions happened over HTTP.
    const slackIn = stack.apps.notifier!.recorder.list().map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(slackIn).toEqual(
      expect.arrayContaining(['POST /slack/events', 'POST /slack/actions', 'POST /webhooks/shop']),
    );
  });
});
