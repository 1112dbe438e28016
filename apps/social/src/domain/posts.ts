import { ApiError, currentTrace } from '@hooklab/service';
import type { SocialContext } from '../context.ts';
import { enqueuePostMatched, type PostData } from '../webhooks/out/post-matched.ts';
import { featuresOf, hashtagsOf, matches, type RuleNode } from './rules.ts';

/** A post as the live timeline shows it. */
export interface TimelinePost extends PostData {
  username: string;
  name: string;
  hashtags: string[];
}

interface PostRow {
  id: number;
  text: string;
  author_id: string;
  created_at: number;
  username: string;
  name: string;
}

export function postData(row: PostRow): PostData {
  const id = String(row.id);
  return {
    id,
    text: row.text,
    author_id: row.author_id,
    created_at: new Date(row.created_at).toISOString(),
    edit_history_tweet_ids: [id],
  };
}

const timelinePost = (row: PostRow): TimelinePost => ({
  ...postData(row),
  username: row.username,
  name: row.name,
  hashtags: hashtagsOf(row.text),
});

/**
 * Stores a post with its hashtags and, in the same transaction, one delivery per valid webhook of every
 * app whose rules it matches: a crash loses both or neither.
 */
export function createPost(
  ctx: SocialContext,
  author: { id: string; username: string; name: string },
  text: unknown,
): TimelinePost {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'text must be a non-empty string',
      param: 'text',
    });
  }
  const length = [...text].length;
  if (length > ctx.config.SOCIAL_MAX_POST_CHARS) {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: `text is ${length} characters; a post may have at most ${ctx.config.SOCIAL_MAX_POST_CHARS}`,
      param: 'text',
    });
  }
  const now = ctx.clock.now();
  const features = featuresOf(text, author.username);
  const trace = currentTrace();
  const webhooksOf = ctx.sqlite.prepare<[string], { id: string; url: string; consumer_secret: string }>(
    `SELECT w.id, w.url, a.consumer_secret FROM webhooks w JOIN client_apps a ON a.id = w.app_id
      WHERE w.app_id = ? AND w.valid = 1 ORDER BY w.created_at, w.rowid`,
  );
  const row = ctx.sqlite.transaction((): PostRow => {
    const info = ctx.sqlite
      .prepare('INSERT INTO posts (author_id, text, created_at) VALUES (?, ?, ?)')
      .run(author.id, text, now);
    const id = Number(info.lastInsertRowid);
    const tag = ctx.sqlite.prepare('INSERT INTO post_hashtags (post_id, tag) VALUES (?, ?)');
    for (const h of features.hashtags) tag.run(id, h);
    const stored: PostRow = {
      id,
      text,
      author_id: author.id,
      created_at: now,
      username: author.username,
      name: author.name,
    };
    const post = postData(stored);
    for (const [appId, matchingRules] of ctx.rules.match(features)) {
      const targets = webhooksOf
        .all(appId)
        .map((w) => ({ webhookId: w.id, url: w.url, consumerSecret: w.consumer_secret }));
      enqueuePostMatched(ctx.sqlite, ctx.outbox, { post, appId, matchingRules, targets, trace });
    }
    return stored;
  })();
  const out = timelinePost(row);
  ctx.timeline.emit('post', out);
  return out;
}

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/**
 * X's recent search: posts of the last 7 days matching `query`, newest first, strictly newer than
 * `sinceId` and older than `untilId` (the page cursor); `limit + 1` are read to know whether more exist.
 */
export function searchRecent(
  ctx: SocialContext,
  query: RuleNode,
  opts: { sinceId: number; untilId: number | null; limit: number },
): { posts: PostData[]; more: boolean } {
  const rows = ctx.sqlite
    .prepare<[number, number, number], PostRow>(
      `SELECT p.id, p.text, p.author_id, p.created_at, u.username, u.name
         FROM posts p JOIN users u ON u.id = p.author_id
        WHERE p.id > ? AND p.id < ? AND p.created_at >= ?
        ORDER BY p.id DESC`,
    )
    .iterate(opts.sinceId, opts.untilId ?? Number.MAX_SAFE_INTEGER, ctx.clock.now() - SEVEN_DAYS_MS);
  const posts: PostData[] = [];
  let more = false;
  for (const row of rows) {
    if (!matches(query, featuresOf(row.text, row.username))) continue;
    if (posts.length === opts.limit) {
      more = true;
      break;
    }
    posts.push(postData(row));
  }
  // Leaving the iterator early must close the statement.
  (rows as IterableIterator<PostRow> & { return?: () => unknown }).return?.();
  return { posts, more };
}

/** The newest posts for the timeline page. */
export function recentPosts(ctx: SocialContext, limit: number): TimelinePost[] {
  return ctx.sqlite
    .prepare<[number], PostRow>(
      `SELECT p.id, p.text, p.author_id, p.created_at, u.username, u.name
         FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id DESC LIMIT ?`,
    )
    .all(limit)
    .map(timelinePost);
}

export function listUsers(ctx: SocialContext): { id: string; username: string; name: string }[] {
  return ctx.sqlite
    .prepare<[], { id: string; username: string; name: string }>(
      'SELECT id, username, name FROM users ORDER BY id',
    )
    .all();
}
