import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { appAuth, json, OTHER_BEARER, testContext } from '../test-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function setup() {
  const ctx = testContext();
  cleanups.push(() => ctx.close());
  return createApp(ctx);
}
const RULES = '/2/tweets/search/stream/rules';
const list = async (app: ReturnType<typeof setup>, headers = appAuth) =>
  (await (await app.request(RULES, { headers })).json()) as {
    data?: { id: string; value: string; tag?: string }[];
    meta: { result_count: number };
  };

describe('POST /2/tweets/search/stream/rules', () => {
  it('adds rules and answers as X does: data with ids, meta.summary', async () => {
    const app = setup();
    const res = await app.request(
      RULES,
      json({ add: [{ value: '#dresses', tag: 'dresses' }, { value: 'linen OR silk' }] }),
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.data).toEqual([
      { id: expect.stringMatching(/^\d{19}$/), value: '#dresses', tag: 'dresses' },
      { id: expect.stringMatching(/^\d{19}$/), value: 'linen OR silk' },
    ]);
    expect(body.meta.summary).toEqual({ created: 2, not_created: 0, valid: 2, invalid: 0 });
    expect((await list(app)).data).toEqual(body.data);
  });

  it('creates none when one rule is invalid, with an error per bad rule', async () => {
    const app = setup();
    const res = await app.request(
      RULES,
      json({ add: [{ value: '#dresses' }, { value: '(#skirts' }, { value: '-sale' }] }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ title: 'Invalid Rules', code: 'invalid_rules', status: 400 });
    expect(body.meta.summary).toEqual({ created: 0, not_created: 3, valid: 1, invalid: 2 });
    expect(body.errors).toEqual([
      {
        value: '(#skirts',
        details: [expect.stringMatching(/never closed/)],
        title: 'UnprocessableEntity',
        type: 'https://api.x.com/2/problems/invalid-rules',
      },
      {
        value: '-sale',
        details: [expect.stringMatching(/non-negation/)],
        title: 'UnprocessableEntity',
        type: 'https://api.x.com/2/problems/invalid-rules',
      },
    ]);
    expect((await list(app)).meta.result_count).toBe(0);
  });

  it('refuses a duplicate of a stored rule, naming its id', async () => {
    const app = setup();
    const first = await (await app.request(RULES, json({ add: [{ value: '#dresses' }] }))).json();
    const res = await app.request(RULES, json({ add: [{ value: '#dresses' }] }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([
      {
        value: '#dresses',
        id: first.data[0].id,
        title: 'DuplicateRule',
        type: 'https://api.x.com/2/problems/duplicate-rules',
      },
    ]);
  });

  it('validates without storing on dry_run=true', async () => {
    const app = setup();
    const res = await app.request(`${RULES}?dry_run=true`, json({ add: [{ value: '#dresses' }] }));
    expect(res.status).toBe(201);
    expect((await res.json()).meta.summary).toEqual({ created: 0, not_created: 1, valid: 1, invalid: 0 });
    expect((await list(app)).meta.result_count).toBe(0);
  });

  it('deletes by id, reporting ids it does not have; other apps never see the rules', async () => {
    const app = setup();
    const { data } = await (
      await app.request(RULES, json({ add: [{ value: '#a1' }, { value: '#b2' }] }))
    ).json();
    const other = { authorization: `Bearer ${OTHER_BEARER}` };
    expect((await list(app, other)).meta.result_count).toBe(0);
    const notMine = await app.request(RULES, json({ delete: { ids: [data[0].id] } }, other));
    expect((await notMine.json()).meta.summary).toEqual({ deleted: 0, not_deleted: 1 });
    const res = await app.request(RULES, json({ delete: { ids: [data[0].id, '123'] } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.meta.summary).toEqual({ deleted: 1, not_deleted: 1 });
    expect(body.errors).toEqual([
      expect.objectContaining({ value: '123', details: ['Rule does not exist'] }),
    ]);
    expect((await list(app)).data).toEqual([data[1]]);
  });

  it.each([
    [{}, /exactly one of/],
    [{ add: [], delete: { ids: ['1'] } }, /exactly one of/],
    [{ add: [] }, /1 to 100 rules/],
    [{ add: 'x' }, /1 to 100 rules/],
    [{ delete: { ids: ['abc'] } }, /numeric strings/],
    [{ delete: {} }, /delete must be/],
  ])('refuses %j with a 400', async (body, detail) => {
    const app = setup();
    const res = await app.request(RULES, json(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, detail: expect.stringMatching(detail) });
  });

  it('refuses a rule that is not an object and a tag that is too long', async () => {
    const app = setup();
    const res = await app.request(RULES, json({ add: [null, { value: '#a', tag: 'x'.repeat(129) }] }));
    expect(res.status).toBe(400);
    const errors = (await res.json()).errors;
    expect(errors.map((e: { details: string[] }) => e.details[0])).toEqual([
      expect.stringMatching(/must be an object/),
      expect.stringMatching(/tag must be/),
    ]);
  });
});
