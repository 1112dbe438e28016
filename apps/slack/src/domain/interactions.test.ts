// Slash commands as Slack runs them: the app's immediate answer is shown (in the channel or to the person),
// and an app that is slow or failing gets the person a clear notice.
import { verifySlack } from '@hooklab/webhooks';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  admin,
  BOT_TOKEN,
  createTestSlack,
  type Receiver,
  SIGNING_SECRET,
  startReceiver,
} from '../test-support.ts';
import { runSlashCommand } from './interactions.ts';
import type { LiveEvent } from './live.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function withCommand(receiver: Receiver) {
  const s = createTestSlack({ env: { SLACK_ACK_TIMEOUT_MS: '300' } });
  cleanups.push(
    () => s.close(),
    () => receiver.close(),
  );
  await s.listen();
  expect(
    (await s.app.request(`/admin/apps/${s.ids.appId}/commands/order`, admin('PUT', { url: receiver.url })))
      .status,
  ).toBe(200);
  const live: LiveEvent[] = [];
  s.ctx.live.subscribe((e) => live.push(e));
  const run = () =>
    runSlashCommand(s.ctx, {
      channelId: s.ids.channels[0]!.id,
      userId: s.ids.humans[0]!.id,
      text: '/order  ORD-1042 now',
    });
  return { s, live, run };
}

describe('slash commands', () => {
  it('sends Slack’s signed form and shows an in_channel answer in the channel', async () => {
    const receiver = await startReceiver((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ response_type: 'in_channel', text: 'ORD-1042: paid' }));
    });
    const { s, run } = await withCommand(receiver);
    expect(await run()).toEqual({ ok: true });
    const [req] = receiver.requests;
    expect(() =>
      verifySlack({ body: req!.body, headers: req!.headers, secrets: SIGNING_SECRET }),
    ).not.toThrow();
    const form = Object.fromEntries(new URLSearchParams(req!.body));
    expect(form).toMatchObject({
      command: '/order',
      text: 'ORD-1042 now',
      team_id: 'T0HOOKLAB',
      user_name: 'ada',
      api_app_id: s.ids.appId,
    });
    expect(form.response_url).toMatch(new RegExp(`^${s.url}/commands/T0HOOKLAB/\\d+/[0-9a-f]+$`));
    expect(form.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    const history = await new WebClient(BOT_TOKEN, { slackApiUrl: `${s.url}/api/` }).conversations.history({
      channel: s.ids.channels[0]!.id,
    });
    expect(history.messages?.[0]).toMatchObject({ text: 'ORD-1042: paid', bot_id: s.ids.botId });
  });

  it('shows a plain-text answer to the person only', async () => {
    const receiver = await startReceiver((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Only you see this'),
    );
    const { live, run } = await withCommand(receiver);
    expect(await run()).toEqual({ ok: true });
    expect(live).toContainEqual(
      expect.objectContaining({
        type: 'ephemeral',
        message: expect.objectContaining({ text: 'Only you see this' }),
      }),
    );
  });

  it('tells the person when the app is too slow or fails', async () => {
    const receiver = await startReceiver((_req, res, n) => {
      if (n === 1) setTimeout(() => res.writeHead(200).end(), 1000);
      else res.writeHead(500).end();
    });
    const { live, run } = await withCommand(receiver);
    expect(await run()).toEqual({ ok: false, error: '/order failed with the error "operation_timeout"' });
    expect(await run()).toEqual({ ok: false, error: '/order failed with the error "http_error"' });
    expect(live.filter((e) => e.type === 'notice')).toHaveLength(2);
  });
});
