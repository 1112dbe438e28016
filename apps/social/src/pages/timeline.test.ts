import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { DEV_TOKEN, json, testContext, userAuth } from '../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function setup(env: Record<string, string> = {}) {
  const ctx = testContext(env);
  cleanups.push(() => ctx.close());
  return { ctx, app: createApp(ctx) };
}
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'x-hooklab-dev-token': DEV_TOKEN,
    accept: 'text/html',
  },
  body: new URLSearchParams(fields).toString(),
});

describe('the timeline page', () => {
  it('shows posts newest first with their hashtags marked, and escapes what people write', async () => {
    const { app } = setup();
    await app.request('/2/tweets', json({ text: 'first <b>bold</b>' }, userAuth));
    await app.request('/2/tweets', json({ text: 'then #dresses' }, userAuth));
    const html = await (await app.request('/', { headers: { 'x-hooklab-dev-token': DEV_TOKEN } })).text();
    expect(html.indexOf('then')).toBeLessThan(html.indexOf('first'));
    expect(html).toContain('<span class="tag">#dresses</span>');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('action="/compose"');
  });

  it('gives each post an anchor (#post-<id>), the link the notifier puts in #social', async () => {
    const { app } = setup();
    const res = await app.request('/2/tweets', json({ text: 'anchored #dresses' }, userAuth));
    const { data } = (await res.json()) as { data: { id: string } };
    const html = await (await app.request('/', { headers: { 'x-hooklab-dev-token': DEV_TOKEN } })).text();
    expect(html).toContain(`id="post-${data.id}"`);
    expect(html).toContain("li.id = 'post-' + p.id");
  });

  it('posts as the chosen user in dev mode, and the post is live on the stream', async () => {
    const { app, ctx } = setup();
    const seen = new Promise((resolve) => ctx.timeline.once('post', resolve));
    const res = await app.request('/compose', form({ username: 'ada', text: 'hello #dresses' }));
    expect(res.status).toBe(303);
    expect(await seen).toMatchObject({ username: 'ada', text: 'hello #dresses', hashtags: ['dresses'] });
  });

  it('refuses an unknown user or empty text with an HTML page, not a crash', async () => {
    const { app } = setup();
    const unknown = await app.request('/compose', form({ username: 'nobody', text: 'x' }));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/text\/html/);
    expect((await app.request('/compose', form({ username: 'ada', text: '' }))).status).toBe(400);
  });

  it('has no compose box and refuses /compose outside dev mode', async () => {
    const { app } = setup({ HOOKLAB_DEV: '0' });
    const html = await (await app.request('/')).text();
    expect(html).not.toContain('action="/compose"');
    expect((await app.request('/compose', form({ username: 'ada', text: 'x' }))).status).toBe(404);
  });
});
