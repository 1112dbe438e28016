// S12 on the in-process stack: the scenario's own receiver registers (CRC), adds #dresses, gets the
// matching posts signed and verified, never the one without it, beside a poller with its counts.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Parser } from '@asyncapi/parser';
import {
  answerCrc,
  createContext,
  type S12Result,
  scenarios,
  socialClient,
  waitFor,
} from '@hooklab/scenarios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(['social']);
});
afterAll(async () => {
  await stack?.stop();
});

describe('S12: hashtag posts → webhooks, beside a poller', () => {
  it('delivers every #dresses post signed, none without it, and counts the poller’s requests', async () => {
    const scenario = scenarios.S12!;
    const ctx = createContext({
      scenario: 'S12',
      urls: stack.urls,
      params: { posts: 3, poll_interval_ms: 300, post_interval_ms: 200 },
    });
    const result = (await scenario.run(ctx)) as S12Result;
    const steps = ctx.narration.flatMap((n) =>
      n.text.startsWith('step ') && n.step !== null ? [n.step] : [],
    );
    expect(steps).toEqual(scenario.steps.map((_, i) => i));
    expect(result.posts).toBe(4);
    expect(result.push).toMatchObject({ deliveries: 4, refused: 0, crcChecks: 1 });
    // Counted, not computed: at least one request per post found, and the empty ones are among them.
    expect(result.polling.requests).toBeGreaterThanOrEqual(2);
    expect(result.polling.empty).toBeLessThan(result.polling.requests);
    expect(result.polling.stalenessMs.p50).not.toBeNull();
    // The scenario cleans up after itself.
    const auth = { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer' };
    const hooks = await (await fetch(`${stack.urls.social}/2/webhooks`, { headers: auth })).json();
    expect(hooks.data).toEqual([]);
  });

  it('sends what docs/asyncapi.yaml says: a delivery matches the documented payload and header', async () => {
    // A receiver of our own, to see the raw headers (recorded exchanges mask signatures).
    const secret = 'hooklab-social-notifier-consumer-secret';
    const got: { headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://r').searchParams.get('crc_token');
      if (req.method === 'GET') return void res.end(JSON.stringify(answerCrc(token ?? '', secret)));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = socialClient({
      baseUrl: stack.urls.social,
      bearerToken: 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer',
    });
    let postId: string;
    try {
      const hook = await client.registerWebhook(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
      );
      const [rule] = await client.addRules([{ value: '#asyncapi', tag: 'docs' }]);
      postId = (await client.post('su_test_ada', 'checking the #AsyncAPI document')).id;
      await waitFor(() => got[0], { what: 'the delivery' });
      await client.deleteRules([rule!.id]);
      await client.deleteWebhook(hook.id);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    // Parsed after the exchange: the parser holds the event loop for seconds.
    const { document, diagnostics } = await new Parser().parse(
      await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8'),
    );
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    const message = document!.operations().get('deliverSocialPost')!.messages().all()[0]!;
    const plain = (v: unknown) =>
      JSON.parse(JSON.stringify(v, (k, x) => (k.startsWith('x-parser-') ? undefined : x)));
    const payload = z.fromJSONSchema(plain(message.payload()!.json()));
    const headers = message.headers()!.json() as { properties: Record<string, { pattern: string }> };
    const body = JSON.parse(got[0]!.body);
    expect(payload.safeParse(body).error).toBeUndefined();
    expect(body.data.id).toBe(postId);
    expect(got[0]!.headers['x-twitter-webhooks-signature']).toMatch(
      new RegExp(headers.properties['x-twitter-webhooks-signature']!.pattern),
    );
  });
});

describe('S12 with the notifier in the stack: the posts run on into Slack’s #social', () => {
  let withNotifier: Stack;
  beforeAll(async () => {
    withNotifier = await startStack(['slack', 'social', 'notifier'], {
      env: {
        NOTIFIER_MARKETS: '0',
        STRIPE_WEBHOOK_SECRET: 'whsec_s12_test',
        SHOP_WEBHOOK_SECRET: 'whsec_czEyLXRlc3Q=',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await withNotifier?.stop();
  });

  it('uses the notifier’s webhook (CRC re-run), sees each #dresses post in #social, and leaves the notifier’s registration', async () => {
    const scenario = scenarios.S12!;
    const ctx = createContext({
      scenario: 'S12',
      urls: withNotifier.urls,
      params: { posts: 3, poll_interval_ms: 300, post_interval_ms: 200 },
    });
    const result = (await scenario.run(ctx)) as S12Result;
    expect(result.receiver).toBe('notifier');
    expect(result.posts).toBe(4);
    expect(result.push).toMatchObject({ deliveries: 4, refused: 0, crcChecks: 1 });
    expect(result.push.latencyMs.p50).not.toBeNull();
    const client = socialClient({
      baseUrl: withNotifier.urls.social,
      bearerToken: 'AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer',
    });
    expect(await client.listWebhooks()).toEqual([
      expect.objectContaining({ url: `${withNotifier.urls.notifier}/webhooks/social`, valid: true }),
    ]);
    expect((await client.listRules()).map((r) => r.value)).toEqual(['#dresses']);
  });
});
