import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { socialRouteDocs } from '../http/openapi.ts';
import { appAuth, testContext, userAuth } from '../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function setup() {
  const ctx = testContext();
  cleanups.push(() => ctx.close());
  const app = createApp(ctx);
  return async (path: string, headers: Record<string, string> = appAuth) => {
    const res = await app.request(path, { headers });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };
}
const ADA = { id: '1000000000000000002', name: 'Ada Lovelace', username: 'ada' };
const GRACE = { id: '1000000000000000003', name: 'Grace Hopper', username: 'grace' };
const schemaOf = (path: string, status: number) =>
  socialRouteDocs.find((r) => r.method === 'GET' && r.path === path)!.responses[status]!.schema!;

describe('GET /2/users/:id', () => {
  it('answers X’s {data:{id,name,username}}, with created_at only when asked', async () => {
    const get = setup();
    const r = await get(`/2/users/${ADA.id}`);
    expect(r).toMatchObject({ status: 200, body: { data: ADA } });
    expect(Object.keys(r.body.data).sort()).toEqual(['id', 'name', 'username']);
    expect(schemaOf('/2/users/:id', 200).safeParse(r.body).error).toBeUndefined();
    const withCreated = await get(`/2/users/${ADA.id}?user.fields=created_at,username`);
    expect(withCreated.body.data).toEqual({ ...ADA, created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('says an unknown id is not found the way X does: 200 with errors and no data', async () => {
    const get = setup();
    const r = await get('/2/users/42');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      errors: [
        expect.objectContaining({
          value: '42',
          detail: 'Could not find user with id: [42].',
          title: 'Not Found Error',
          resource_type: 'user',
          parameter: 'id',
        }),
      ],
    });
    expect(schemaOf('/2/users/:id', 200).safeParse(r.body).error).toBeUndefined();
  });

  it.each([
    ['/2/users/ada', /not a valid user id/],
    ['/2/users/1?expansions=pinned_tweet_id', /\[expansions\] is not one of/],
    ['/2/users/1?user.fields=email', /\[email\] is not one of/],
  ])('refuses %s with a 400 problem', async (path, detail) => {
    const r = await setup()(path);
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ title: 'Invalid Request', detail: expect.stringMatching(detail) });
  });

  it('needs the app bearer token: none, a wrong one or a user token is a 401', async () => {
    const get = setup();
    expect((await get(`/2/users/${ADA.id}`, {})).status).toBe(401);
    expect((await get(`/2/users/${ADA.id}`, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get(`/2/users/${ADA.id}`, userAuth)).status).toBe(401);
  });
});

describe('GET /2/users?ids=', () => {
  it('gives the users found in the order asked, and the unknown ids under errors', async () => {
    const get = setup();
    const r = await get(`/2/users?ids=${GRACE.id},7,${ADA.id},${GRACE.id}`);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([GRACE, ADA]);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ value: '7', resource_id: '7', parameter: 'ids' }),
    ]);
    expect(schemaOf('/2/users', 200).safeParse(r.body).error).toBeUndefined();
  });

  it('refuses no ids, a malformed id and more than 100', async () => {
    const get = setup();
    for (const qs of [
      '',
      '?ids=',
      '?ids=1,x',
      `?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
    ]) {
      const r = await get(`/2/users${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.errors[0].parameters).toHaveProperty('ids');
    }
  });
});
