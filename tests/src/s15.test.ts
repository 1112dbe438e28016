// S15 on the in-process stack: every attack tried against the running apps, each refusal asserted by the
// scenario itself (so the console and the walkthrough fail on the same checks); here the table is checked too.
import { createContext, type S15Result, scenarios } from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(
    ['payments', 'logistics', 'shop', 'slack', 'notifier', 'hub', 'ticker', 'social'],
    {
      env: {
        LOGISTICS_STAGE_MS: '20',
        // Low limits, so a burst of 120 crosses them on any machine.
        PAYMENTS_RATE_LIMIT_PER_SECOND: '30',
        LOGISTICS_RATE_LIMIT_PER_SECOND: '30',
        // Slack's tiers per two seconds instead of a minute: Retry-After stays short.
        SLACK_RATE_WINDOW_MS: '2000',
      },
    },
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('S15: rights and trust on both sides', () => {
  it('refuses every attack, lets each genuine event take effect once, and leaks nothing', async () => {
    const ctx = createContext({
      scenario: 'S15',
      urls: stack.urls,
      keys: { payments: 'sk_test_hooklab', logistics: 'lg_test_hooklab' },
      params: { burst: 120 },
    });
    const result = (await scenarios.S15!.run(ctx)) as S15Result;
    expect(result.trials.every((t) => t.refused)).toBe(true);
    const attacks = result.trials.map((t) => `${t.side} ${t.target}: ${t.attack}`);
    for (const expected of [
      /api payments: no API key/,
      /api logistics: another merchant/,
      /api payments: a burst/,
      /api logistics: a burst/,
      /webhook a Stripe receiver: forged/,
      /webhook a Stripe receiver: tampered/,
      /webhook a Stripe receiver: stale/,
      /webhook a Stripe receiver: future/,
      /webhook a Stripe receiver: replayed/,
      /webhook a Standard Webhooks receiver: replayed/,
      /webhook shop \/webhooks\/stripe: forged/,
      /api slack auth.test: no token/,
      /api slack auth.test: a made-up token/,
      /api slack conversations.create: a user token without channels:manage/,
      /webhook slack app settings: a request URL that does not echo/,
      /webhook a Slack v0 receiver: forged/,
      /webhook a Slack v0 receiver: tampered/,
      /webhook a Slack v0 receiver: stale/,
      /webhook a Slack v0 receiver: future/,
      /webhook a Slack v0 receiver: replayed/,
      /webhook notifier \/slack\/events \(Bolt\): forged/,
      /webhook notifier \/slack\/events \(Bolt\): stale/,
      /webhook a WebSub subscriber \(X-Hub-Signature\): forged/,
      /webhook a WebSub subscriber \(X-Hub-Signature\): tampered/,
      /webhook a WebSub subscriber \(X-Hub-Signature\): unsigned/,
      /ssrf hub subscription: hub.callback=http:\/\/169\.254/,
      /webhook social webhook registration \(X CRC\): a URL whose CRC answer/,
      /webhook an X receiver: forged/,
      /webhook an X receiver: tampered/,
      /webhook an X receiver: replayed/,
      /api slack conversations.list: a burst/,
      /rotation payments/,
      /ssrf payments webhook endpoint: http:\/\/169\.254\.169\.254/,
      /ssrf logistics callback_url/,
      /input logistics: malformed JSON/,
      /input payments: a 300 KB form body/,
    ])
      expect(
        attacks.some((a) => expected.test(a)),
        String(expected),
      ).toBe(true);
    // Genuine events: two Stripe deliveries before the rotation and two after; one logistics callback at least.
    expect(result.effects.stripe).toBeGreaterThanOrEqual(3);
    expect(result.effects.standard).toBeGreaterThanOrEqual(1);
    expect(result.effects.slack).toBeGreaterThanOrEqual(1);
    // X signs no timestamp: the genuine delivery once, its replay deduped, so exactly one effect.
    expect(result.effects.x).toBe(1);
    expect(attacks.some((a) => /an X receiver: stale/.test(a))).toBe(false);
    expect(result.websub.delivered).toBeGreaterThanOrEqual(1);
    expect(result.websub.ignored).toBe(2);
    expect(result.leaks).toEqual([]);
    // Its clean-up deletes the Slack app it registered (DELETE /admin/apps/:id): none is left behind.
    const apps = (await (
      await fetch(`${stack.urls.slack}/admin/apps`, {
        headers: { authorization: 'Bearer slack_admin_hooklab' },
      })
    ).json()) as { data: { name: string }[] };
    expect(apps.data.map((a) => a.name).filter((n) => n.startsWith('S15 defender'))).toEqual([]);
  });
});
