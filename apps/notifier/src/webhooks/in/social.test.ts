import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createXCrcResponse, signX } from '@hooklab/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { notifications } from '../../db/schema.ts';
import { startSlackApiRecorder, testContext } from '../../test-support.ts';

const SECRET = 'a-consumer-secret-for-the-test';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** social's user lookup as X answers it (`GET /2/users/:id` with the app bearer token); it counts the calls. */
async function startUserLookup(users: Record<string, { name: string; username: string }>) {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const id = /^\/2\/users\/(\d+)$/.exec(req.url ?? '')?.[1];
    asked.push(`${req.headers.authorization} ${req.url}`);
    const user = id ? users[id] : undefined;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify(
        user
          ? { data: { id, ...user } }
          : { errors: [{ value: id, title: 'Not Found Error', resource_type: 'user' }] },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url, asked };
}

async function setup(socialUrl = 'http://social.test') {
  const slack = await startSlackApiRecorder();
  const ctx = testContext({
    SLACK_API_URL: slack.apiUrl,
    SOCIAL_CONSUMER_SECRET: SECRET,
    SOCIAL_URL: socialUrl,
  });
  ctx.jobs.start();
  cleanups.push(
    () => slack.close(),
    () => ctx.jobs.stop(),
    () => ctx.close(),
  );
  return { slack, ctx, app: createApp(ctx) };
}

const delivery = (id = '1000000000000000042', text = 'The linen wrap is back #dresses <b>') => ({
  data: {
    id,
    text,
    author_id: '1000000000000000001',
    created_at: '2026-12-05T06:00:00.000Z',
    edit_history_tweet_ids: [id],
  },
  matching_rules: [{ id: '7', tag: 'notifier → #social' }],
});

function signed(body: unknown, secret = SECRET) {
  const raw = JSON.stringify(body);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signX({ body: raw, secrets: secret }) },
    body: raw,
  };
}

describe('GET /webhooks/social (CRC)', () => {
  it('answers the challenge with the consumer secret, as social checks it', async () => {
    const { app } = await setup();
    const res = await app.request('/webhooks/social?crc_token=challenge-123');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(createXCrcResponse('challenge-123', SECRET));
  });

  it('refuses a CRC without a token, in problem+json', async () => {
    const { app } = await setup();
    const res = await app.request('/webhooks/social');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('POST /webhooks/social', () => {
  it('posts a matching post into #social with author, text and a link, escaped', async () => {
    const { app, slack } = await setup();
    const res = await app.request('/webhooks/social', signed(delivery()));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false });
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args.channel).toBe('#social');
    const mrkdwn = JSON.stringify(post.args.blocks);
    expect(mrkdwn).toContain('1000000000000000001');
    expect(mrkdwn).toContain('The linen wrap is back #dresses &lt;b&gt;');
    expect(mrkdwn).toContain('http://social.test/#post-1000000000000000042');
  });

  it('names the author as social’s user lookup gives it, asking once for two posts by the same author', async () => {
    const social = await startUserLookup({
      '1000000000000000001': { name: 'Atelier <Paris>', username: 'atelier' },
    });
    const { app, slack } = await setup(social.url);
    await app.request('/webhooks/social', signed(delivery('1000000000000000050')));
    await app.request('/webhooks/social', signed(delivery('1000000000000000051', 'more #dresses')));
    await slack.until(() => slack.calls.filter((c) => c.method === 'chat.postMessage').length === 2);
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts[0]!.args.text).toBe(
      'New post by Atelier <Paris> (@atelier): The linen wrap is back #dresses <b>',
    );
    const mrkdwn = JSON.stringify(posts[0]!.args.blocks);
    expect(mrkdwn).toContain('by *Atelier &lt;Paris&gt;* (@atelier)');
    expect(mrkdwn).not.toContain('1000000000000000001');
    expect(social.asked).toEqual([
      'Bearer AAAAAAAAAAAAAAAAAAAAAHooklabNotifierDevBearer /2/users/1000000000000000001',
    ]);
  });

  it('shows the author id when social does not know the user', async () => {
    const social = await startUserLookup({});
    const { app, slack } = await setup(social.url);
    await app.request('/webhooks/social', signed(delivery('1000000000000000052')));
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args.text).toMatch(/^New post by user 1000000000000000001: /);
    expect(social.asked).toHaveLength(1);
  });

  it('takes a repeated post id in once: one message', async () => {
    const { app, ctx, slack } = await setup();
    await app.request('/webhooks/social', signed(delivery('1000000000000000043')));
    const again = await app.request('/webhooks/social', signed(delivery('1000000000000000043')));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    // The witness: a later, different post is posted, and only two messages exist in all.
    await app.request('/webhooks/social', signed(delivery('1000000000000000044', 'another #dresses')));
    await slack.until(() => slack.calls.filter((c) => c.method === 'chat.postMessage').length === 2);
    expect(
      ctx.db
        .select()
        .from(notifications)
        .all()
        .map((n) => n.eventId),
    ).toEqual(['1000000000000000043', '1000000000000000044']);
  });

  it('refuses a forged or missing signature with 401 problem+json and stores nothing', async () => {
    const { app, ctx } = await setup();
    const forged = await app.request('/webhooks/social', signed(delivery(), 'not-the-consumer-secret'));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    const unsigned = await app.request('/webhooks/social', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(delivery()),
    });
    expect(unsigned.status).toBe(401);
    expect(ctx.db.select().from(notifications).all()).toEqual([]);
  });

  it('refuses a signed body that is not a delivery with 400', async () => {
    const { app } = await setup();
    const res = await app.request('/webhooks/social', signed({ hello: 'world' }));
    expect(res.status).toBe(400);
  });
});

describe('outside dev mode with the published consumer secret', () => {
  it('answers neither the CRC nor deliveries (503), so no one can post into #social with it', async () => {
    const ctx = testContext({ HOOKLAB_DEV: '0' });
    cleanups.push(() => ctx.close());
    const app = createApp(ctx);
    const crc = await app.request('/webhooks/social?crc_token=t');
    expect(crc.status).toBe(503);
    const forged = await app.request(
      '/webhooks/social',
      signed(delivery(), 'hooklab-social-notifier-consumer-secret'),
    );
    expect(forged.status).toBe(503);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect(ctx.db.select().from(notifications).all()).toEqual([]);
  });
});
