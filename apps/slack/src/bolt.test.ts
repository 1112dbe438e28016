// The whole app against an unmodified, minimal @slack/bolt app on a free loopback port: url_verification,
// a message answered with say(), a slash command and a button with ack() + respond(); Bolt refuses
// forged and stale signatures; an expired or over-used response_url is refused.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSlack } from '@hooklab/webhooks';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { admin, BOT_TOKEN, createTestSlack, SIGNING_SECRET, until } from './test-support.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Captured {
  responseUrls: string[];
}

/** The Bolt app a developer would write, pointed at our Web API. */
async function startBolt(slackUrl: string, captured: Captured) {
  const receiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const bolt = new App({
    token: BOT_TOKEN,
    receiver,
    clientOptions: { slackApiUrl: `${slackUrl}/api/` },
    logLevel: LogLevel.ERROR,
  });
  bolt.message(/order (ORD-\d+)\?/, async ({ message, say, context }) => {
    const id = context.matches?.[1] as string;
    await say({ text: `${id} is paid`, thread_ts: (message as { ts: string }).ts });
  });
  bolt.command('/order', async ({ ack, respond, command }) => {
    captured.responseUrls.push(command.response_url);
    await ack();
    await respond({ response_type: 'in_channel', text: `Looking up ${command.text}` });
  });
  bolt.action('refund', async ({ ack, respond, body }) => {
    captured.responseUrls.push((body as { response_url: string }).response_url);
    await ack();
    await respond({ replace_original: true, text: 'Refunded ORD-1042' });
  });
  const server = (await bolt.start(0)) as Server;
  const { port } = server.address() as AddressInfo;
  cleanups.push(() => bolt.stop());
  return { url: `http://127.0.0.1:${port}/slack/events` };
}

async function setUp(env: Record<string, string> = {}) {
  const s = createTestSlack({ env });
  cleanups.push(() => s.close());
  await s.listen();
  await s.startDispatcher();
  const captured: Captured = { responseUrls: [] };
  const bolt = await startBolt(s.url, captured);
  const patched = await s.app.request(
    `/admin/apps/${s.ids.appId}`,
    admin('PATCH', {
      event_request_url: bolt.url,
      event_types: ['message.channels'],
      interactivity_url: bolt.url,
    }),
  );
  expect(patched.status).toBe(200);
  expect(await patched.json()).toMatchObject({ event_request_url: bolt.url });
  expect(
    (await s.app.request(`/admin/apps/${s.ids.appId}/commands/order`, admin('PUT', { url: bolt.url })))
      .status,
  ).toBe(200);
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: `${s.url}/api/` });
  const ui = (path: string, body: unknown) =>
    s.app.request(`/ui${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ada = s.ids.humans[0]!.id;
  const orders = s.ids.channels.find((c) => c.name === 'orders')!.id;
  return { s, bolt, captured, client, ui, ada, orders };
}

describe('an unmodified @slack/bolt app', () => {
  it('passes url_verification and answers a person’s message in the thread with say()', async () => {
    const { client, ui, ada, orders } = await setUp();
    const res = await ui('/messages', { channel: orders, user: ada, text: 'order ORD-1042?' });
    const { ts } = (await res.json()) as { ts: string };
    const answer = await until(async () => {
      const thread = await client.conversations.replies({ channel: orders, ts });
      return thread.messages?.find((m) => m.bot_id);
    });
    expect(answer).toMatchObject({ text: 'ORD-1042 is paid', thread_ts: ts });
  });

  it('handles a slash command with ack() and respond()', async () => {
    const { client, ui, ada, orders } = await setUp();
    const res = await ui('/commands', { channel: orders, user: ada, text: '/order ORD-1042' });
    expect(await res.json()).toEqual({ ok: true });
    const posted = await until(async () =>
      (await client.conversations.history({ channel: orders })).messages?.find(
        (m) => m.text === 'Looking up ORD-1042',
      ),
    );
    expect(posted.bot_id).toBeDefined();
  });

  it('handles a button (block_actions) with ack() and respond({replace_original})', async () => {
    const { client, ui, ada, orders } = await setUp();
    const posted = await client.chat.postMessage({
      channel: orders,
      text: 'ORD-1042 paid',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*ORD-1042* paid' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'refund',
              text: { type: 'plain_text', text: 'Refund' },
              value: 'ORD-1042',
              style: 'danger',
            },
          ],
        },
      ],
    });
    const res = await ui('/actions', { channel: orders, user: ada, ts: posted.ts, action_id: 'refund' });
    expect(await res.json()).toEqual({ ok: true });
    const replaced = await until(async () =>
      (await client.conversations.history({ channel: orders })).messages?.find(
        (m) => m.ts === posted.ts && m.text === 'Refunded ORD-1042',
      ),
    );
    expect(replaced.edited).toBeDefined();
  });

  it('refuses a response_url used more than 5 times, or after it expired', async () => {
    const { s, captured, ui, ada, orders } = await setUp({ SLACK_RESPONSE_URL_TTL_MS: '60000' });
    await ui('/commands', { channel: orders, user: ada, text: '/order ORD-1' });
    const url = await until(() => captured.responseUrls[0]);
    const post = (text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    // Bolt's respond() used it once; four more are allowed.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(`again ${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 404]);
    const refused = await post('sixth');
    expect(await refused.text()).toBe('used_url');

    const path = new URL(url).pathname.split('/');
    s.ctx.sqlite
      .prepare('UPDATE response_urls SET uses = 0, expires_at = ? WHERE id = ?')
      .run(Date.now() - 1, path[3]);
    const expired = await post('too late');
    expect(expired.status).toBe(404);
    expect(await expired.text()).toBe('expired_url');
  });

  it('Bolt refuses a forged or a stale signature', async () => {
    const { bolt } = await setUp();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'x', token: 't' });
    const send = (headers: Record<string, string>) =>
      fetch(bolt.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const now = Math.floor(Date.now() / 1000);
    const good = await send(signSlack({ timestampSec: now, body, secrets: [SIGNING_SECRET] }));
    expect(good.status).toBe(200);
    const forged = await send(signSlack({ timestampSec: now, body, secrets: ['not-the-signing-secret'] }));
    expect(forged.status).toBe(401);
    const stale = await send(signSlack({ timestampSec: now - 6 * 60, body, secrets: [SIGNING_SECRET] }));
    expect(stale.status).toBe(401);
  });
});

describe('request URL verification', () => {
  it('keeps the old URL when the new one does not echo the challenge', async () => {
    const { s, bolt } = await setUp();
    const res = await s.app.request(
      `/admin/apps/${s.ids.appId}`,
      admin('PATCH', { event_request_url: `${s.url}/healthz` }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'url_verification_failed', param: 'event_request_url' });
    const appNow = await s.app.request(`/admin/apps/${s.ids.appId}`, admin('GET'));
    expect(await appNow.json()).toMatchObject({ event_request_url: bolt.url });
  });
});
