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

async function setup() {
  const slack = await startSlackApiRecorder();
  const ctx = testContext({
    SLACK_API_URL: slack.apiUrl,
    SOCIAL_CONSUMER_SECRET: SECRET,
    SOCIAL_URL: 'http://social.test',
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
