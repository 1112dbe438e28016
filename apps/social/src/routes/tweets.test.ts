import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { appAuth, json, testContext, userAuth } from '../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function setup() {
  const ctx = testContext();
  cleanups.push(() => ctx.close());
  return createApp(ctx);
}
const post = async (app: ReturnType<typeof setup>, text: string) => {
  const res = await app.request('/2/tweets', json({ text }, userAuth));
  expect(res.status).toBe(201);
  return (await res.json()).data as { id: string; text: string };
};
const search = async (app: ReturnType<typeof setup>, qs: string) => {
  const res = await app.request(`/2/tweets/search/recent?${qs}`, { headers: appAuth });
  return { status: res.status, body: await res.json() };
};

describe('POST /2/tweets', () => {
  it('posts as the token’s user and answers X’s shape', async () => {
    const app = setup();
    const res = await app.request('/2/tweets', json({ text: 'New #dresses in' }, userAuth));
    expect(res.status).toBe(201);
    const { data } = await res.json();
    expect(data).toEqual({
      id: expect.stringMatching(/^\d+$/),
      text: 'New #dresses in',
      edit_history_tweet_ids: [data.id],
    });
  });

  it.each([
    [{ text: '' }, /non-empty/],
    [{ text: 7 }, /non-empty/],
    [{ text: 'x'.repeat(281) }, /at most 280/],
    [{ text: 'hi', reply: {} }, /field \[reply\]/],
  ])('refuses %j with a 400', async (body, detail) => {
    const app = setup();
    const res = await app.request('/2/tweets', json(body, userAuth));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      title: 'Invalid Request',
      detail: expect.stringMatching(detail),
    });
  });

  it('needs a user token: an app bearer token is not one', async () => {
    const app = setup();
    expect((await app.request('/2/tweets', json({ text: 'hi' }, appAuth))).status).toBe(401);
  });
});

describe('GET /2/tweets/search/recent', () => {
  it('finds matching posts newest first, and with since_id only newer ones; none → meta.result_count 0', async () => {
    const app = setup();
    const a = await post(app, 'Linen #dresses');
    await post(app, 'Nothing to see');
    const b = await post(app, 'Silk #Dresses');
    const all = await search(app, 'query=%23dresses');
    expect(all.status).toBe(200);
    expect(all.body.data.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
    expect(all.body.data[0]).toEqual({
      id: b.id,
      text: 'Silk #Dresses',
      author_id: '1000000000000000001',
      created_at: expect.any(String),
      edit_history_tweet_ids: [b.id],
    });
    expect(all.body.meta).toEqual({ result_count: 2, newest_id: b.id, oldest_id: a.id });
    const newer = await search(app, `query=%23dresses&since_id=${a.id}`);
    expect(newer.body.data.map((p: { id: string }) => p.id)).toEqual([b.id]);
    expect(await search(app, `query=%23dresses&since_id=${b.id}`)).toEqual({
      status: 200,
      body: { meta: { result_count: 0 } },
    });
  });

  it('pages with next_token when more than max_results match', async () => {
    const app = setup();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await post(app, `#dresses number ${i}`)).id);
    const first = await search(app, 'query=%23dresses&max_results=10');
    expect(first.body.meta.result_count).toBe(10);
    const second = await search(
      app,
      `query=%23dresses&max_results=10&next_token=${first.body.meta.next_token}`,
    );
    expect(second.body.data.map((p: { id: string }) => p.id)).toEqual([ids[1], ids[0]]);
    expect(second.body.meta.next_token).toBeUndefined();
  });

  it.each([
    ['', /query.*can not be empty/],
    ['query=(%23dresses', /never closed/],
    ['query=%23dresses&since_id=abc', /not a valid post id/],
    ['query=%23dresses&max_results=5', /between 10 and 100/],
    ['query=%23dresses&next_token=zzz', /next_token/],
    ['query=%23dresses&expansions=author_id', /\[expansions\] is not one of/],
  ])('refuses ?%s with a 400 naming the parameter', async (qs, detail) => {
    const app = setup();
    const { status, body } = await search(app, qs);
    expect(status).toBe(400);
    expect(body).toMatchObject({ title: 'Invalid Request', detail: expect.stringMatching(detail) });
    expect(body.errors[0].parameters).toBeDefined();
  });

  it('needs the app bearer token', async () => {
    const app = setup();
    expect((await app.request('/2/tweets/search/recent?query=a')).status).toBe(401);
  });
});
