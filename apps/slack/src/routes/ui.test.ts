// The chat client's JSON: reading channels and threads, following changes live (SSE), typing as a person.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSlack, type TestSlack } from '../test-support.ts';

const running: TestSlack[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

const post = (s: TestSlack, path: string, body: unknown) =>
  s.app.request(`/ui${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });

describe('the chat client', () => {
  it('streams a person’s message, a reaction and a thread reply as they are committed', async () => {
    const s = createTestSlack();
    running.push(s);
    await s.listen();
    const ada = s.ids.humans[0]!.id;
    const orders = s.ids.channels.find((c) => c.name === 'orders')!.id;
    const stream = await fetch(`${s.url}/ui/stream`);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    const next = async (needle: string) => {
      while (!seen.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        seen += value;
      }
    };
    await next('event: ready');
    const res = await post(s, '/messages', { channel: orders, user: ada, text: 'hello from Ada' });
    expect(res.status).toBe(201);
    const { ts } = (await res.json()) as { ts: string };
    await next('hello from Ada');
    expect((await post(s, '/reactions', { channel: orders, user: ada, ts, name: 'tada' })).status).toBe(201);
    await next('"tada"');
    expect(
      (await post(s, '/messages', { channel: orders, user: ada, text: 'a reply', thread_ts: ts })).status,
    ).toBe(201);
    await next('a reply');
    await reader.cancel();

    const thread = await s.app.request(`/ui/channels/${orders}/threads/${ts}`);
    expect(((await thread.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual([
      'hello from Ada',
      'a reply',
    ]);
    const channel = await s.app.request(`/ui/channels/${orders}/messages`);
    expect(await channel.json()).toMatchObject({
      messages: [{ text: 'hello from Ada', reply_count: 1, reactions: [{ name: 'tada', count: 1 }] }],
    });
  });

  it('refuses bad input with problem+json, and an unknown command with a notice', async () => {
    const s = createTestSlack();
    running.push(s);
    const ada = s.ids.humans[0]!.id;
    const orders = s.ids.channels[0]!.id;
    const cases: [string, unknown, number, string][] = [
      ['/messages', { channel: orders, user: s.ids.botUserId, text: 'as a bot' }, 400, 'invalid_request'],
      ['/messages', { channel: 'C0NOSUCH', user: ada, text: 'x' }, 400, 'channel_not_found'],
      ['/messages', { channel: orders, user: ada }, 400, 'validation_failed'],
      ['/reactions', { channel: orders, user: ada, ts: '1.000001', name: 'eyes' }, 400, 'message_not_found'],
      ['/actions', { channel: orders, user: ada, ts: '1.000001', action_id: 'x' }, 404, 'not_found'],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await post(s, path, body);
      const json = (await res.json()) as { code?: string };
      expect([path, res.status, json.code ?? '']).toEqual([path, status, code]);
    }
    const unknown = await post(s, '/commands', { channel: orders, user: ada, text: '/nope' });
    expect(await unknown.json()).toEqual({ ok: false, error: '/nope is not a valid command.' });
  });

  it('serves the pages in dev mode only', async () => {
    const dev = createTestSlack();
    running.push(dev);
    const page = await dev.app.request('/');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('id="compose"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect((await dev.app.request('/settings')).status).toBe(200);
    const prod = createTestSlack({ env: { HOOKLAB_DEV: '0' } });
    running.push(prod);
    expect((await prod.app.request('/settings')).status).toBe(404);
    expect(
      (await prod.app.request('/ui/workspace', { headers: { accept: 'application/json' } })).status,
    ).toBe(404);
  });
});
