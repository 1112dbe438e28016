import { ApiError, devAccessOf, devOnly } from '@hooklab/service';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SocialContext } from '../context.ts';
import { createPost, listUsers, recentPosts, type TimelinePost } from '../domain/posts.ts';
import { TimelinePage } from '../pages/timeline.tsx';

const KEEP_ALIVE_MS = 15_000;
const PAGE_SIZE = 50;

/** `/`: the timeline page; `POST /compose` (dev mode): post as a seeded user; `/timeline/stream`: live posts (SSE). */
export function timelineRoutes(ctx: SocialContext) {
  const app = new Hono();
  app.get('/', (c) =>
    c.html(
      TimelinePage({
        posts: recentPosts(ctx, PAGE_SIZE),
        users: listUsers(ctx),
        canPost: devAccessOf(c, ctx.config) === 'allowed',
      }),
    ),
  );
  app.post('/compose', devOnly(ctx.config), async (c) => {
    const form = await c.req.parseBody().catch(() => {
      throw new ApiError({
        status: 400,
        code: 'invalid_request',
        message: 'Send the form: username and text',
      });
    });
    const user = listUsers(ctx).find((u) => u.username === form.username);
    if (!user)
      throw new ApiError({
        status: 400,
        code: 'invalid_request',
        message: 'Choose one of the listed users',
        param: 'username',
      });
    createPost(ctx, user, form.text);
    return c.redirect('/', 303);
  });
  app.get('/timeline/stream', (c) => {
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      const queue: TimelinePost[] = [];
      let wake: (() => void) | undefined;
      const listener = (p: TimelinePost) => {
        queue.push(p);
        wake?.();
      };
      ctx.timeline.on('post', listener);
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!closed) {
        const p = queue.shift();
        if (p) {
          await stream.writeSSE({ event: 'post', id: p.id, data: JSON.stringify(p) });
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, KEEP_ALIVE_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (!closed && queue.length === 0) await stream.write(': keep-alive\n\n');
      }
      ctx.timeline.off('post', listener);
    });
  });
  return app;
}
