// Fixtures for notifier's tests: a context on an in-memory database, a recording stand-in for Slack's Web API
// (answers the way Slack does, so the official client is what talks to it), nothing shared between tests.
import { ExchangeRecorder, serve } from '@hooklab/service';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { notifierConfigSchema, resolveNotifierConfig } from './config.ts';
import { createNotifierContext, type NotifierContext, type NotifierContextInput } from './context.ts';
import { openNotifierDatabase } from './db/index.ts';

export const DEV_TOKEN = 'notifier-test-dev-token-0123456789';
export const SHOP_SECRET = 'whsec_c2hvcC10ZXN0LXNlY3JldC1mb3ItdGhlLW5vdGlmaWVy';
export const STRIPE_SECRET = 'whsec_stripe_test_secret_for_the_notifier';
export const SIGNING_SECRET = 'test-slack-signing-secret';

/** A context for `app.request()` tests; `env` overrides the config (e.g. `{ HOOKLAB_DEV: '0' }`). */
export function testContext(
  env: Record<string, string> = {},
  deps: Partial<Omit<NotifierContextInput, 'config' | 'db' | 'sqlite'>> = {},
): NotifierContext & { close(): void } {
  const full = {
    HOOKLAB_DEV: '1',
    HOOKLAB_DEV_TOKEN: DEV_TOKEN,
    LOG_LEVEL: 'silent',
    SHOP_WEBHOOK_SECRET: SHOP_SECRET,
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    ...env,
  };
  const config = resolveNotifierConfig(notifierConfigSchema.parse(full), full);
  const { db, sqlite, close } = openNotifierDatabase(':memory:');
  const ctx = createNotifierContext({
    config,
    db,
    sqlite,
    recorder: new ExchangeRecorder('notifier'),
    ...deps,
  });
  return Object.assign(ctx, { close });
}

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A stand-in for Slack's Web API that records calls: HTTP 200 with `ok` always, form or JSON bodies like
 * Slack. `down = true` answers 503 (an outage), so the official client throws.
 */
export async function startSlackApiRecorder() {
  const calls: SlackCall[] = [];
  const state = { down: false, n: 0, refused: 0 };
  const waiters: (() => void)[] = [];
  const app = new Hono();
  app.post('/api/:method', async (c) => {
    if (state.down) {
      state.refused += 1;
      for (const w of waiters.splice(0)) w();
      return c.text('upstream down', 503);
    }
    const method = c.req.param('method');
    const type = c.req.header('content-type') ?? '';
    const raw = await c.req.text();
    const args: Record<string, unknown> = type.includes('json')
      ? JSON.parse(raw)
      : Object.fromEntries(
          [...new URLSearchParams(raw)].map(([k, v]) => {
            try {
              return [k, /^[[{]/.test(v) ? JSON.parse(v) : v];
            } catch {
              return [k, v];
            }
          }),
        );
    calls.push({ method, args });
    for (const w of waiters.splice(0)) w();
    if (method === 'auth.test')
      return c.json({
        ok: true,
        url: 'https://hooklab.slack.com/',
        team: 'Hooklab',
        user: 'notifier',
        team_id: 'T0HOOKLAB',
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
      });
    if (method === 'conversations.info') {
      const channel = String(args.channel);
      return c.json({
        ok: true,
        channel: { id: channel, name: channel === 'C0ORDERS' ? 'orders' : 'random' },
      });
    }
    if (method === 'chat.postMessage' || method === 'chat.update') {
      state.n += 1;
      const ts = `1700000000.${String(state.n).padStart(6, '0')}`;
      return c.json({
        ok: true,
        channel: 'C0ORDERS',
        ts,
        message: { type: 'message', text: args.text, bot_id: 'B0BOT', ts },
      });
    }
    return c.json({ ok: false, error: 'unknown_method' });
  });
  // Where a `response_url` points: Slack answers a plain `ok`.
  app.post('/response/:id', async (c) => {
    calls.push({ method: `response_url:${c.req.param('id')}`, args: await c.req.json() });
    for (const w of waiters.splice(0)) w();
    return c.text('ok');
  });
  const server = await serve({ app, port: 0, hostname: '127.0.0.1' });
  return {
    url: server.url,
    apiUrl: `${server.url}/api/`,
    calls,
    state,
    /** Resolves once `cond()` holds (checked whenever a request arrives). */
    async until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    /** Resolves once a call matching `pred` has arrived. */
    async waitFor(pred: (call: SlackCall) => boolean, timeoutMs = 5000): Promise<SlackCall> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = calls.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(
            `no Slack call matched within ${timeoutMs} ms: ${JSON.stringify(calls.map((c) => c.method))}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => server.close(),
  };
}

/** A Stripe SDK instance that only signs test payloads (no network). */
export const stripeSigner = new Stripe('sk_test_signer_only', { telemetry: false });
