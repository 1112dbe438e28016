import { Hono } from 'hono';
import type { SocialContext } from '../context.ts';
import { createPost, searchRecent } from '../domain/posts.ts';
import { parseRule } from '../domain/rules.ts';
import { type AppAuthEnv, requireApp, requireUser, type UserAuthEnv } from '../http/auth.ts';
import { invalidParam } from '../http/errors.ts';
import { jsonObject } from '../http/input.ts';

const SEARCH_PARAMS = ['query', 'since_id', 'until_id', 'max_results', 'next_token'];
const ID = /^\d{1,19}$/;

const encodeToken = (id: string) => Buffer.from(`before:${id}`).toString('base64url');
function decodeToken(token: string): number | null {
  const m = /^before:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString());
  return m ? Number(m[1]) : null;
}

/** Reads X's recent-search query string, refusing unknown parameters as X does. */
function searchQuery(url: URL) {
  for (const key of url.searchParams.keys()) {
    if (!SEARCH_PARAMS.includes(key))
      throw invalidParam(
        key,
        `The query parameter [${key}] is not one of [${SEARCH_PARAMS.join(',')}]`,
        url.searchParams.get(key),
      );
  }
  const query = url.searchParams.get('query');
  if (query === null) throw invalidParam('query', 'The `query` query parameter can not be empty');
  const parsed = parseRule(query);
  if (!parsed.ok)
    throw invalidParam(
      'query',
      `There were errors processing your request: ${parsed.errors.join('; ')}`,
      query,
    );
  const id = (name: string) => {
    const v = url.searchParams.get(name);
    if (v === null) return null;
    if (!ID.test(v))
      throw invalidParam(name, `The \`${name}\` query parameter value [${v}] is not a valid post id`, v);
    return Number(v);
  };
  const rawMax = url.searchParams.get('max_results');
  const max = rawMax === null ? 10 : Number(rawMax);
  if (!Number.isInteger(max) || max < 10 || max > 100)
    throw invalidParam(
      'max_results',
      `The \`max_results\` query parameter value [${rawMax}] is not between 10 and 100`,
      rawMax,
    );
  const token = url.searchParams.get('next_token');
  const fromToken = token === null ? null : decodeToken(token);
  if (token !== null && fromToken === null)
    throw invalidParam('next_token', 'The `next_token` query parameter value is not valid', token);
  const until = id('until_id');
  const bounds = [until, fromToken].filter((v): v is number => v !== null);
  return {
    node: parsed.node,
    sinceId: id('since_id') ?? 0,
    untilId: bounds.length ? Math.min(...bounds) : null,
    limit: max,
  };
}

/** `/2/tweets`: post as a user (user token), and recent search for pollers (app bearer token). */
export function tweetRoutes(ctx: SocialContext) {
  const posting = new Hono<UserAuthEnv>().post('/', requireUser(ctx.sqlite), async (c) => {
    const body = await jsonObject(c);
    const extra = Object.keys(body).find((k) => k !== 'text');
    if (extra)
      throw invalidParam(extra, `The field [${extra}] is not supported; this stand-in accepts {text}`);
    const post = createPost(ctx, c.get('user'), body.text);
    return c.json(
      { data: { id: post.id, text: post.text, edit_history_tweet_ids: post.edit_history_tweet_ids } },
      201,
    );
  });
  const search = new Hono<AppAuthEnv>().get('/search/recent', requireApp(ctx.sqlite), (c) => {
    const q = searchQuery(new URL(c.req.url));
    const { posts, more } = searchRecent(ctx, q.node, q);
    const meta: Record<string, unknown> = { result_count: posts.length };
    if (posts.length > 0) {
      meta.newest_id = posts[0]!.id;
      meta.oldest_id = posts.at(-1)!.id;
    }
    if (more) meta.next_token = encodeToken(posts.at(-1)!.id);
    return c.json(posts.length > 0 ? { data: posts, meta } : { meta });
  });
  return new Hono().route('/', posting).route('/', search);
}
