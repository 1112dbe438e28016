// Events API delivery through the engine: the event_callback envelope, Slack's v0 signature, and Slack's
// retries with X-Slack-Retry-Num / X-Slack-Retry-Reason, ended by X-Slack-No-Retry: 1.
import { verifySlack } from '@hooklab/webhooks';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  admin,
  answerChallenge,
  BOT_TOKEN,
  createTestSlack,
  eventsOf,
  type Receiver,
  SIGNING_SECRET,
  startReceiver,
  type TestSlack,
  USER_TOKEN,
  until,
} from '../../test-support.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A served slack with its dispatcher, and the seeded app subscribed at `receiver.url`. */
async function subscribed(
  receiver: Receiver,
  eventTypes = ['message.channels', 'app_mention', 'reaction_added'],
) {
  const s: TestSlack = createTestSlack();
  cleanups.push(
    () => s.close(),
    () => receiver.close(),
  );
  await s.listen();
  await s.startDispatcher();
  const res = await s.app.request(
    `/admin/apps/${s.ids.appId}`,
    admin('PATCH', { event_request_url: receiver.url, event_types: eventTypes }),
  );
  expect(res.status).toBe(200);
  return {
    s,
    bot: new WebClient(BOT_TOKEN, { slackApiUrl: `${s.url}/api/` }),
    user: new WebClient(USER_TOKEN, { slackApiUrl: `${s.url}/api/` }),
  };
}

describe('Events API delivery', () => {
  it('joins the trace of the request that caused the event (its traceparent)', async () => {
    const receiver = await startReceiver();
    const { s } = await subscribed(receiver);
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const res = await fetch(`${s.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${USER_TOKEN}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-1111111111111111-01`,
      },
      body: JSON.stringify({ channel: '#orders', text: 'traced' }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    const [event] = eventsOf(await receiver.arrival((r) => eventsOf(r).length >= 1));
    expect(event!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('sends a signed event_callback for a message; a bot’s own message carries bot_id', async () => {
    const receiver = await startReceiver();
    const { s, bot, user } = await subscribed(receiver);
    await user.chat.postMessage({ channel: '#orders', text: 'order ORD-1042?' });
    await bot.chat.postMessage({ channel: '#orders', text: 'ORD-1042 is paid' });
    const [human, own] = eventsOf(await receiver.arrival((r) => eventsOf(r).length >= 2));
    expect(() =>
      verifySlack({ body: human!.body, headers: human!.headers, secrets: SIGNING_SECRET }),
    ).not.toThrow();
    expect(human!.json).toMatchObject({
      type: 'event_callback',
      team_id: 'T0HOOKLAB',
      api_app_id: s.ids.appId,
      authorizations: [{ team_id: 'T0HOOKLAB', user_id: s.ids.botUserId, is_bot: true }],
      event: {
        type: 'message',
        channel: s.ids.channels[0]!.id,
        user: s.ids.humans[0]!.id,
        text: 'order ORD-1042?',
        channel_type: 'channel',
      },
    });
    expect(human!.json.event_id).toMatch(/^Ev[A-Z0-9]+$/);
    expect(human!.json.event.bot_id).toBeUndefined();
    expect(own!.json.event).toMatchObject({
      type: 'message',
      bot_id: s.ids.botId,
      user: s.ids.botUserId,
      text: 'ORD-1042 is paid',
    });
    expect(human!.headers['x-slack-retry-num']).toBeUndefined();
  });

  it('sends message_changed and message_deleted, as Slack does after chat.update and chat.delete', async () => {
    const receiver = await startReceiver();
    const { bot } = await subscribed(receiver, ['message.channels']);
    const posted = await bot.chat.postMessage({ channel: '#orders', text: 'v1' });
    await bot.chat.update({ channel: posted.channel!, ts: posted.ts!, text: 'v2' });
    await bot.chat.delete({ channel: posted.channel!, ts: posted.ts! });
    const events = eventsOf(await receiver.arrival((r) => eventsOf(r).length >= 3)).map((e) => e.json.event);
    expect(events[1]).toMatchObject({
      type: 'message',
      subtype: 'message_changed',
      message: { ts: posted.ts, text: 'v2' },
      previous_message: { ts: posted.ts, text: 'v1' },
    });
    expect(events[2]).toMatchObject({ type: 'message', subtype: 'message_deleted', deleted_ts: posted.ts });
  });

  it('sends app_mention to the mentioned bot and reaction_added', async () => {
    const receiver = await startReceiver();
    const { s, user } = await subscribed(receiver, ['app_mention', 'reaction_added']);
    const posted = await user.chat.postMessage({
      channel: '#payments',
      text: `<@${s.ids.botUserId}> refund ORD-7?`,
    });
    await user.reactions.add({ channel: '#payments', timestamp: posted.ts!, name: 'eyes' });
    const events = eventsOf(await receiver.arrival((r) => eventsOf(r).length >= 2)).map((e) => e.json.event);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'app_mention',
        text: `<@${s.ids.botUserId}> refund ORD-7?`,
        ts: posted.ts,
      }),
      expect.objectContaining({
        type: 'reaction_added',
        reaction: 'eyes',
        item: { type: 'message', channel: posted.channel, ts: posted.ts },
      }),
    ]);
  });

  it('retries an app that is down or failing, numbering each retry with the reason of the attempt before', async () => {
    const receiver = await startReceiver((req, res, n) => {
      if (JSON.parse(req.body).type === 'url_verification') return answerChallenge(req, res);
      const attempt = eventsOf(receiver.requests).length;
      if (attempt === 1) res.socket?.destroy();
      else if (attempt === 2) res.writeHead(500).end('oops');
      else res.writeHead(200).end();
      void n;
    });
    const { user } = await subscribed(receiver);
    await user.chat.postMessage({ channel: '#orders', text: 'are you there?' });
    const attempts = eventsOf(await receiver.arrival((r) => eventsOf(r).length >= 3));
    expect(new Set(attempts.map((a) => a.json.event_id)).size).toBe(1);
    expect(attempts.map((a) => [a.headers['x-slack-retry-num'], a.headers['x-slack-retry-reason']])).toEqual([
      [undefined, undefined],
      ['1', 'connection_failed'],
      ['2', 'http_error'],
    ]);
    for (const a of attempts)
      expect(() => verifySlack({ body: a.body, headers: a.headers, secrets: SIGNING_SECRET })).not.toThrow();
  });

  it('retries an app that does not answer within 3 seconds with reason http_timeout', async () => {
    const receiver = await startReceiver((req, res) => {
      if (JSON.parse(req.body).type === 'url_verification') return answerChallenge(req, res);
      if (eventsOf(receiver.requests).length === 1) setTimeout(() => res.writeHead(200).end(), 3500);
      else res.writeHead(200).end();
    });
    const { user } = await subscribed(receiver);
    await user.chat.postMessage({ channel: '#orders', text: 'slow?' });
    const attempts = eventsOf(await receiver.arrival((r) => eventsOf(r).length >= 2));
    expect(attempts[1]!.headers).toMatchObject({
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
  });

  it('stops retrying when the app answers X-Slack-No-Retry: 1', async () => {
    const receiver = await startReceiver((req, res) => {
      if (JSON.parse(req.body).type === 'url_verification') return answerChallenge(req, res);
      res.writeHead(500, { 'x-slack-no-retry': '1' }).end('no thanks');
    });
    const { s, user } = await subscribed(receiver);
    await user.chat.postMessage({ channel: '#orders', text: 'please stop' });
    const dead = await until(async () => (await s.ctx.outbox.listMessages({ status: 'dead' }))[0]);
    expect(dead).toMatchObject({ attempts: 1, lastStatusCode: 500, eventType: 'message' });
    expect(eventsOf(receiver.requests)).toHaveLength(1);
  });
});
