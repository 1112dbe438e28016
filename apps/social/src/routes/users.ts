// `/2/users`: who wrote a post (a delivery names only `author_id`), X's user lookup with the app bearer token.
import type { SqliteClient } from '@hooklab/db';
import { Hono } from 'hono';
import type { SocialContext } from '../context.ts';
import { type AppAuthEnv, requireApp } from '../http/auth.ts';
import { invalidParam } from '../http/errors.ts';

const ID = /^\d{1,19}$/;
const MAX_IDS = 100;
const FIELDS = ['created_at'];

interface UserRow {
  id: string;
  name: string;
  username: string;
  created_at: number;
}

/** X's partial error for an id it does not know: the answer is still 200 (with `data` for the others). */
const missing = (id: string) => ({
  value: id,
  detail: `Could not find user with ids: [${id}].`,
  title: 'Not Found Error',
  resource_type: 'user',
  parameter: 'ids',
  resource_id: id,
  type: 'https://api.x.com/2/problems/resource-not-found',
});

/** Only `user.fields` is taken (and of it only `created_at`; id, name and username always come). */
function fieldsOf(url: URL, allowed: string[]): boolean {
  for (const key of url.searchParams.keys())
    if (!allowed.includes(key))
      throw invalidParam(
        key,
        `The query parameter [${key}] is not one of [${allowed.join(',')}]`,
        url.searchParams.get(key),
      );
  const raw = url.searchParams.get('user.fields');
  if (raw === null) return false;
  const asked = raw.split(',');
  const bad = asked.find((f) => !FIELDS.includes(f) && !['id', 'name', 'username'].includes(f));
  if (bad)
    throw invalidParam(
      'user.fields',
      `The \`user.fields\` query parameter value [${bad}] is not one of [created_at,id,name,username]`,
      raw,
    );
  return asked.includes('created_at');
}

function lookup(sqlite: SqliteClient) {
  const one = sqlite.prepare<[string], UserRow>(
    'SELECT id, name, username, created_at FROM users WHERE id = ?',
  );
  return (id: string, withCreated: boolean) => {
    const u = one.get(id);
    if (!u) return undefined;
    const user: Record<string, string> = { id: u.id, name: u.name, username: u.username };
    if (withCreated) user.created_at = new Date(u.created_at).toISOString();
    return user;
  };
}

/** `GET /2/users/:id` and `GET /2/users?ids=` (up to 100): `{data}`, unknown ids as `errors` beside it. */
export function userRoutes(ctx: SocialContext) {
  const find = lookup(ctx.sqlite);
  return new Hono<AppAuthEnv>()
    .use('*', requireApp(ctx.sqlite))
    .get('/', (c) => {
      const url = new URL(c.req.url);
      const withCreated = fieldsOf(url, ['ids', 'user.fields']);
      const raw = url.searchParams.get('ids');
      if (!raw) throw invalidParam('ids', 'The `ids` query parameter can not be empty');
      const ids = [...new Set(raw.split(','))];
      const bad = ids.find((id) => !ID.test(id));
      if (bad !== undefined)
        throw invalidParam('ids', `The \`ids\` query parameter value [${bad}] is not a valid user id`, raw);
      if (ids.length > MAX_IDS)
        throw invalidParam('ids', `The \`ids\` query parameter takes at most ${MAX_IDS} ids`, raw);
      const data = ids
        .map((id) => find(id, withCreated))
        .filter((u): u is Record<string, string> => u !== undefined);
      const errors = ids.filter((id) => !data.some((u) => u.id === id)).map(missing);
      return c.json({ ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) });
    })
    .get('/:id', (c) => {
      const withCreated = fieldsOf(new URL(c.req.url), ['user.fields']);
      const id = c.req.param('id');
      if (!ID.test(id))
        throw invalidParam('id', `The \`id\` path parameter value [${id}] is not a valid user id`, id);
      const user = find(id, withCreated);
      if (!user)
        return c.json({
          errors: [{ ...missing(id), detail: `Could not find user with id: [${id}].`, parameter: 'id' }],
        });
      return c.json({ data: user });
    });
}
