// Incoming webhooks through the official @slack/webhook IncomingWebhook, and Slack's plain-word errors.

import { redactBody } from '@hooklab/service';
import { WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, BOT_TOKEN, createTestSlack, type TestSlack } from '../test-support.ts';

const running: TestSlack[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function withHook(channel = 'shipping') {
  const s = createTestSlack();
  running.push(s);
  await s.listen();
  const res = await s.app.request(`/admin/apps/${s.ids.appId}/incoming-webhooks`, admin('POST', { channel }));
  expect(res.status).toBe(201);
  const hook = (await res.json()) as { id: string; url: string; channel: string };
  return { s, hook, client: new WebClient(BOT_TOKEN, { slackApiUrl: `${s.url}/api/` }) };
}

describe('incoming webhooks', () => {
  it('keep their secret, and response_url secrets, out of recorded exchanges', async () => {
    const { s, hook } = await withHook();
    const secret = hook.url.split('/').pop()!;
    await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"hi"}',
    });
    const recorded = JSON.stringify(s.ctx.recorder!.list());
    expect(recorded).toContain(`/services/T0HOOKLAB/${hook.id}/`);
    expect(recorded).not.toContain(secret);
    const form = new URLSearchParams({
      command: '/order',
      response_url: `${s.url}/commands/T0HOOKLAB/1234567890123/abcdef0123456789`,
    });
    expect(redactBody(form.toString())).not.toContain('abcdef0123456789');
  });

  it('IncomingWebhook.send posts text and blocks into the hook’s channel as the app', async () => {
    const { s, hook, client } = await withHook();
    expect(hook.url).toMatch(new RegExp(`^${s.url}/services/T0HOOKLAB/B[A-Z0-9]+/[0-9a-f]+$`));
    const webhook = new IncomingWebhook(hook.url);
    const result = await webhook.send({
      text: 'Parcel handed to Colissimo',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*ORD-1042* shipped' } }],
    });
    expect(result.text).toBe('ok');
    const history = await client.conversations.history({ channel: hook.channel });
    expect(history.messages?.[0]).toMatchObject({ text: 'Parcel handed to Colissimo', bot_id: s.ids.botId });
  });

  it('answers Slack’s plain-text errors', async () => {
    const { s, hook } = await withHook('social');
    const post = (url: string, body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const cases: [string, string, number, string][] = [
      [hook.url, '{nope', 400, 'invalid_payload'],
      [hook.url, '{"blocks":"not a list"}', 400, 'invalid_payload'],
      [hook.url, '{"username":"x"}', 400, 'no_text'],
      [hook.url.replace(/[0-9a-f]+$/, 'wrongsecret'), '{"text":"hi"}', 404, 'no_service'],
    ];
    for (const [url, body, status, text] of cases) {
      const res = await post(url, body);
      expect([res.status, await res.text()]).toEqual([status, text]);
    }
    expect((await s.app.request('/admin/channels/social/archive', admin('POST'))).status).toBe(200);
    const archived = await post(hook.url, '{"text":"hi"}');
    expect([archived.status, await archived.text()]).toEqual([410, 'channel_is_archived']);
    // The official client surfaces the refusal as an error.
    await expect(new IncomingWebhook(hook.url).send('hi')).rejects.toThrow();
  });
});
