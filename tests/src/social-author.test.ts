// issue 11's #social message, across the real apps: social delivers a post with only `author_id`, the notifier
// asks social's `GET /2/users/:id` for who that is, and Slack's #social shows the name and @username.
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('#social names the author (social → notifier → Slack)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(['slack', 'social', 'notifier'], {
      env: {
        NOTIFIER_MARKETS: '0',
        STRIPE_WEBHOOK_SECRET: 'whsec_author_test',
        SHOP_WEBHOOK_SECRET: 'whsec_YXV0aG9yLXRlc3Q=',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('a #dresses post by ada shows in #social as “Ada Lovelace (@ada)”', async () => {
    await until('the notifier’s social feed', async () => {
      const res = await fetch(`${stack.urls.notifier}/api/status`);
      const s = (await res.json()) as { feeds: { social: string } };
      return s.feeds.social === 'registered' ? true : undefined;
    });
    const text = `Ada's pick of the week #dresses ${Date.now()}`;
    const posted = await fetch(`${stack.urls.social}/2/tweets`, {
      method: 'POST',
      headers: { authorization: 'Bearer su_test_ada', 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(posted.status).toBe(201);

    const slack = new WebClient('xoxp-hooklab', { slackApiUrl: `${stack.urls.slack}/api/` });
    const channel = (await slack.conversations.list({ limit: 200 })).channels?.find(
      (c) => c.name === 'social',
    );
    expect(channel?.id).toBeDefined();
    const message = await until('the post in #social', async () => {
      const h = await slack.conversations.history({ channel: channel!.id!, limit: 50 });
      return h.messages?.find((m) => m.text?.endsWith(text));
    });
    expect(message.text).toBe(`New post by Ada Lovelace (@ada): ${text}`);
    expect(JSON.stringify(message.blocks)).toContain('by *Ada Lovelace* (@ada)');
  });
});
