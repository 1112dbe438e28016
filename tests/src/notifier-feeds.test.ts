// The notifier's continuous-update feeds across apps: a #dresses post at social reaches Slack's #social, and a
// ticker move past the alert threshold reaches #markets through the hub (WebSub). Read back as a person would.
import { socialClient, waitFor } from '@hooklab/scenarios';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
let slack: WebClient;

beforeAll(async () => {
  stack = await startStack(['slack', 'hub', 'ticker', 'social', 'notifier'], {
    env: {
      TICKER_SYMBOLS: 'ACME,GLOBEX',
      TICKER_UPDATES_PER_SECOND: '10',
      NOTIFIER_MARKET_SYMBOLS: 'ACME',
      NOTIFIER_MARKET_ALERTS: 'ACME:0.1',
      // The test reads history until a message shows: latency matters here, not Slack's tiers.
      SLACK_RATE_LIMIT_SCALE: '0',
      // Payments and the shop are not in this stack: fixed secrets skip registering with them.
      STRIPE_WEBHOOK_SECRET: 'whsec_feeds_test',
      SHOP_WEBHOOK_SECRET: 'whsec_ZmVlZHMtdGVzdA==',
    },
  });
  slack = new WebClient('xoxp-hooklab', {
    slackApiUrl: `${stack.urls.slack}/api/`,
    retryConfig: { retries: 0 },
  });
  await waitFor(
    async () => {
      const s = (await (await fetch(`${stack.urls.notifier}/api/status`)).json()) as {
        feeds: Record<string, string>;
      };
      return s.feeds.markets === 'registered' && s.feeds.social === 'registered' ? s : undefined;
    },
    { what: 'the notifier’s feeds registered', timeoutMs: 20_000, intervalMs: 100 },
  );
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function channelId(name: string) {
  const channels = (await slack.conversations.list({ limit: 200 })).channels ?? [];
  const id = channels.find((c) => c.name === name)?.id;
  if (!id) throw new Error(`no #${name} in ${channels.map((c) => c.name).join(', ')}`);
  return id;
}

const history = async (channel: string) =>
  ((await slack.conversations.history({ channel, limit: 100 })).messages ?? []) as {
    text?: string;
    bot_id?: string;
    blocks?: unknown[];
  }[];

describe('the notifier’s feeds into Slack', () => {
  it('registered a webhook that passed the CRC and the #dresses rule at social', async () => {
    const client = socialClient({
      baseUrl: stack.urls.social,
      bearerToken: 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer',
    });
    expect(await client.listWebhooks()).toEqual([
      expect.objectContaining({ url: `${stack.urls.notifier}/webhooks/social`, valid: true }),
    ]);
    expect((await client.listRules()).map((r) => r.value)).toEqual(['#dresses']);
  });

  it('a post with #dresses appears in #social; one without it does not', async () => {
    const client = socialClient({
      baseUrl: stack.urls.social,
      bearerToken: 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer',
    });
    const social = await channelId('social');
    const miss = await client.post('su_test_ada', 'Lunch break, nothing to see (feeds test)');
    const hit = await client.post('su_test_ada', 'The linen wrap is back #dresses (feeds test)');
    const message = await waitFor(
      async () => (await history(social)).find((m) => m.text?.includes('The linen wrap is back')),
      { what: 'the #dresses post in #social', timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(message.bot_id).toBeTruthy();
    expect(JSON.stringify(message.blocks)).toContain(`#post-${hit.id}`);
    // Deliveries go out in order: the #dresses post is there, so the one before it was never sent.
    expect((await history(social)).some((m) => m.text?.includes('Lunch break'))).toBe(false);
    expect(miss.id < hit.id).toBe(true);
  });

  it('a ticker move past the threshold appears in #markets', async () => {
    const markets = await channelId('markets');
    const alert = await waitFor(
      async () => (await history(markets)).find((m) => /^ACME (up|down) \d+\.\d\d % to /.test(m.text ?? '')),
      { what: 'an ACME alert in #markets', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(alert.bot_id).toBeTruthy();
    // Only the watched symbol: GLOBEX moves too, but the notifier subscribed to ACME alone.
    expect((await history(markets)).every((m) => m.text?.startsWith('ACME'))).toBe(true);
  });
});
