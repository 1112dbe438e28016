// The Web API through the official client, unmodified: @slack/web-api's WebClient against /api/.
import { ErrorCode, type WebAPIPlatformError, WebClient, WebClientEvent } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, createTestSlack, type TestSlack, USER_TOKEN } from '../test-support.ts';

const running: TestSlack[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function slack(env: Record<string, string> = {}) {
  const s = createTestSlack({ env });
  running.push(s);
  await s.listen();
  const client = (token = BOT_TOKEN) =>
    new WebClient(token, { slackApiUrl: `${s.url}/api/`, retryConfig: { retries: 0 } });
  return { s, bot: client(), client };
}

/** The `error` of a call the client rejected with ok:false. */
async function slackError(call: Promise<unknown>): Promise<string> {
  const err = (await call.then(
    () => null,
    (e: unknown) => e,
  )) as WebAPIPlatformError | null;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err!.data.error;
}

describe('the Web API through @slack/web-api', () => {
  it('auth.test says who the bot is', async () => {
    const { s, bot } = await slack();
    const res = await bot.auth.test();
    expect(res).toMatchObject({
      ok: true,
      team: 'Hooklab',
      team_id: 'T0HOOKLAB',
      user_id: s.ids.botUserId,
      bot_id: s.ids.botId,
      app_id: s.ids.appId,
      url: `${s.url}/`,
    });
  });

  it('api.test answers without a token and echoes its arguments, or the error asked for', async () => {
    const { client } = await slack();
    expect(await client('').apiCall('api.test', { foo: 'bar' })).toMatchObject({
      ok: true,
      args: { foo: 'bar' },
    });
    expect(await slackError(client('').api.test({ error: 'my_error' }))).toBe('my_error');
  });

  it('chat.postMessage with blocks and attachments, into a thread, by channel id or name', async () => {
    const { s, bot } = await slack();
    const orders = s.ids.channels.find((c) => c.name === 'orders')!.id;
    const top = await bot.chat.postMessage({
      channel: orders,
      text: 'Order ORD-1042 paid',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*ORD-1042* paid' } }],
    });
    expect(top).toMatchObject({
      ok: true,
      channel: orders,
      message: { type: 'message', bot_id: s.ids.botId, text: 'Order ORD-1042 paid' },
    });
    expect(top.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(top.message?.blocks?.[0]?.type).toBe('section');

    const reply = await bot.chat.postMessage({
      channel: '#orders',
      thread_ts: top.ts!,
      text: '',
      attachments: [{ fallback: 'Shipped', color: '#36a64f', text: 'Shipped with Colissimo' }],
    });
    expect(reply.message).toMatchObject({ thread_ts: top.ts, text: 'Shipped' });

    const thread = await bot.conversations.replies({ channel: orders, ts: top.ts! });
    expect(thread.messages?.map((m) => m.ts)).toEqual([top.ts, reply.ts]);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: reply.ts });
    // Replies stay out of the channel's history; the parent is in it.
    const history = await bot.conversations.history({ channel: orders });
    expect(history.messages?.map((m) => m.ts)).toEqual([top.ts]);
  });

  it('chat.update, chat.delete and chat.postEphemeral; only the author may edit', async () => {
    const { s, bot, client } = await slack();
    const orders = s.ids.channels.find((c) => c.name === 'orders')!.id;
    const posted = await bot.chat.postMessage({ channel: orders, text: 'v1' });
    const updated = await bot.chat.update({ channel: orders, ts: posted.ts!, text: 'v2' });
    expect(updated).toMatchObject({
      ok: true,
      ts: posted.ts,
      text: 'v2',
      message: { edited: { user: s.ids.botUserId } },
    });
    expect(
      await slackError(client(USER_TOKEN).chat.update({ channel: orders, ts: posted.ts!, text: 'mine' })),
    ).toBe('cant_update_message');
    const ada = s.ids.humans[0]!.id;
    const eph = await bot.chat.postEphemeral({ channel: orders, user: ada, text: 'only for you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d+$/);
    expect(await slackError(bot.chat.postEphemeral({ channel: orders, user: 'UNOBODY', text: 'x' }))).toBe(
      'user_not_found',
    );
    expect(await bot.chat.delete({ channel: orders, ts: posted.ts! })).toMatchObject({
      ok: true,
      ts: posted.ts,
    });
    expect(await slackError(bot.chat.delete({ channel: orders, ts: posted.ts! }))).toBe('message_not_found');
  });

  it('conversations.create, info, join and list with cursor paging', async () => {
    const { s, bot, client } = await slack();
    const created = await bot.conversations.create({ name: 'launch-2026' });
    expect(created.channel).toMatchObject({
      name: 'launch-2026',
      is_channel: true,
      is_private: false,
      creator: s.ids.botUserId,
    });
    expect(await slackError(bot.conversations.create({ name: 'launch-2026' }))).toBe('name_taken');
    expect(await slackError(bot.conversations.create({ name: 'Bad Name!' }))).toBe('invalid_name_specials');

    const info = await bot.conversations.info({ channel: created.channel!.id!, include_num_members: true });
    expect(info.channel).toMatchObject({ name: 'launch-2026', is_member: true, num_members: 1 });
    expect(await slackError(bot.conversations.info({ channel: 'C0NOSUCH' }))).toBe('channel_not_found');

    const joined = await bot.conversations.join({ channel: '#orders' });
    expect(joined).toMatchObject({ ok: true, warning: 'already_in_channel' });

    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await bot.conversations.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      names.push(...page.channels!.map((c) => c.name!));
      cursor = page.response_metadata?.next_cursor || undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names.sort()).toEqual(['launch-2026', 'markets', 'orders', 'payments', 'shipping', 'social']);
    // The official paginate() walks the same cursors.
    let viaPaginate = 0;
    for await (const page of client().paginate('conversations.list', { limit: 4 })) {
      viaPaginate += (page as unknown as { channels: unknown[] }).channels.length;
    }
    expect(viaPaginate).toBe(6);
    expect(await slackError(bot.conversations.list({ cursor: 'bm9wZQ==' }))).toBe('invalid_cursor');
  });

  it('conversations.history pages newest first', async () => {
    const { s, bot } = await slack();
    const shipping = s.ids.channels.find((c) => c.name === 'shipping')!.id;
    const sent: string[] = [];
    for (let i = 0; i < 5; i++)
      sent.push((await bot.chat.postMessage({ channel: shipping, text: `m${i}` })).ts!);
    const first = await bot.conversations.history({ channel: shipping, limit: 3 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3', 'm2']);
    expect(first.has_more).toBe(true);
    const second = await bot.conversations.history({
      channel: shipping,
      limit: 3,
      cursor: first.response_metadata!.next_cursor!,
    });
    expect(second.messages?.map((m) => m.text)).toEqual(['m1', 'm0']);
    expect(second).toMatchObject({ has_more: false, response_metadata: { next_cursor: '' } });
    const window = await bot.conversations.history({
      channel: shipping,
      oldest: sent[1]!,
      latest: sent[3]!,
      inclusive: true,
    });
    expect(window.messages?.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
  });

  it('a bot reads only the channels it is in (not_in_channel until conversations.join)', async () => {
    const { s, bot } = await slack();
    const created = await s.app.request('/admin/apps', {
      method: 'POST',
      headers: { authorization: 'Bearer slack_admin_hooklab', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Reader' }),
    });
    const reader = new WebClient(((await created.json()) as { bot_token: string }).bot_token, {
      slackApiUrl: `${s.url}/api/`,
      retryConfig: { retries: 0 },
    });
    await bot.chat.postMessage({ channel: '#markets', text: 'EUR/USD 1.09' });
    expect(await slackError(reader.conversations.history({ channel: '#markets' }))).toBe('not_in_channel');
    await reader.conversations.join({ channel: '#markets' });
    const history = await reader.conversations.history({ channel: '#markets' });
    expect(history.messages?.map((m) => m.text)).toEqual(['EUR/USD 1.09']);
  });

  it('users.list (paged) and users.info', async () => {
    const { s, bot } = await slack();
    const first = await bot.users.list({ limit: 3 });
    expect(first.members).toHaveLength(3);
    const rest = await bot.users.list({ limit: 3, cursor: first.response_metadata!.next_cursor! });
    const all = [...first.members!, ...rest.members!];
    expect(all.map((u) => u.name).sort()).toEqual(['ada', 'grace', 'linus', 'notifier']);
    expect(rest.response_metadata?.next_cursor).toBe('');
    const ada = await bot.users.info({ user: s.ids.humans[0]!.id });
    expect(ada.user).toMatchObject({
      name: 'ada',
      real_name: 'Ada Lovelace',
      is_bot: false,
      team_id: 'T0HOOKLAB',
    });
    expect(await slackError(bot.users.info({ user: 'UNOBODY' }))).toBe('user_not_found');
  });

  it('reactions.add on a message, once per person', async () => {
    const { s, bot, client } = await slack();
    const orders = s.ids.channels.find((c) => c.name === 'orders')!.id;
    const posted = await bot.chat.postMessage({ channel: orders, text: 'react to me' });
    await bot.reactions.add({ channel: orders, timestamp: posted.ts!, name: 'eyes' });
    await client(USER_TOKEN).reactions.add({ channel: orders, timestamp: posted.ts!, name: ':eyes:' });
    expect(
      await slackError(bot.reactions.add({ channel: orders, timestamp: posted.ts!, name: 'eyes' })),
    ).toBe('already_reacted');
    const history = await bot.conversations.history({ channel: orders });
    expect(history.messages?.[0]?.reactions).toEqual([
      { name: 'eyes', count: 2, users: [s.ids.botUserId, s.ids.humans[0]!.id] },
    ]);
  });

  it('refuses calls without a token, with a wrong one, or without the scope', async () => {
    const { client } = await slack();
    expect(await slackError(client('').auth.test())).toBe('not_authed');
    expect(await slackError(client('xoxb-wrong').auth.test())).toBe('invalid_auth');
    const err = (await client(USER_TOKEN)
      .conversations.create({ name: 'nope' })
      .catch((e: WebAPIPlatformError) => e)) as WebAPIPlatformError;
    expect(err.data).toMatchObject({ ok: false, error: 'missing_scope', needed: 'channels:manage' });
    expect(await slackError(client().apiCall('chat.sendTelepathically', {}))).toBe('unknown_method');
    expect(await slackError(client().chat.postMessage({ channel: 'C0NOSUCH', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await slackError(client().chat.postMessage({ channel: '#orders', text: '' }))).toBe('no_text');
  });

  it('a 429 with Retry-After, which the client waits out and retries', async () => {
    // Tier 2 (conversations.list) at scale 0.05 is one call per window of one second.
    const { s } = await slack({ SLACK_RATE_LIMIT_SCALE: '0.05', SLACK_RATE_WINDOW_MS: '1000' });
    const limited: number[] = [];
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: `${s.url}/api/` });
    client.on(WebClientEvent.RATE_LIMITED, (retryAfter: number) => limited.push(retryAfter));
    await client.conversations.list();
    const second = await client.conversations.list();
    expect(second.ok).toBe(true);
    expect(limited).toEqual([1]);
    // Without the client, the answer is the raw 429.
    const raw = await fetch(`${s.url}/api/conversations.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}` },
    });
    const again = await fetch(`${s.url}/api/conversations.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}` },
    });
    const statuses = [raw.status, again.status];
    expect(statuses).toContain(429);
    const limitedRes = raw.status === 429 ? raw : again;
    expect(limitedRes.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limitedRes.json()).toEqual({ ok: false, error: 'ratelimited' });
  });
});

describe('malformed calls get ok:false with HTTP 200, never a 5xx or a redirect', () => {
  const cases: [string, RequestInit & { path?: string }, string][] = [
    [
      'a JSON body that is not JSON',
      { headers: { 'content-type': 'application/json' }, body: '{nope' },
      'invalid_arguments',
    ],
    ['a JSON array', { headers: { 'content-type': 'application/json' }, body: '[1]' }, 'invalid_arguments'],
    [
      'blocks that are not JSON',
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'channel=orders&blocks=%5Bnope',
      },
      'invalid_blocks',
    ],
    [
      'blocks without a type',
      { headers: { 'content-type': 'application/json' }, body: '{"channel":"orders","blocks":[{}]}' },
      'invalid_blocks',
    ],
    [
      'a channel that is an object',
      { headers: { 'content-type': 'application/json' }, body: '{"channel":{"id":1},"text":"x"}' },
      'invalid_arguments',
    ],
    [
      'a negative limit',
      {
        path: 'conversations.history',
        headers: { 'content-type': 'application/json' },
        body: '{"channel":"orders","limit":-4}',
      },
      'invalid_arguments',
    ],
  ];
  for (const [name, init, error] of cases) {
    it(name, async () => {
      const s = createTestSlack();
      running.push(s);
      const headers = { authorization: `Bearer ${BOT_TOKEN}`, ...(init.headers as Record<string, string>) };
      const res = await s.app.request(`/api/${init.path ?? 'chat.postMessage'}`, {
        method: 'POST',
        headers,
        body: init.body ?? null,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: false, error });
    });
  }

  it('accepts the token as a form field, and JSON with the token in the header', async () => {
    const s = createTestSlack();
    running.push(s);
    const form = await s.app.request('/api/auth.test', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${BOT_TOKEN}`,
    });
    expect(await form.json()).toMatchObject({ ok: true, user_id: s.ids.botUserId });
    const json = await s.app.request('/api/chat.postMessage', {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'orders', text: 'json body', blocks: [{ type: 'divider' }] }),
    });
    expect(await json.json()).toMatchObject({
      ok: true,
      message: { text: 'json body', blocks: [{ type: 'divider' }] },
    });
  });
});
