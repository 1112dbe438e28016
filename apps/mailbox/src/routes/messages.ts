import { ApiError } from '@hooklab/service';
import { Hono } from 'hono';
import type { MailboxContext } from '../context.ts';
import {
  deleteAllMessages,
  deleteMessage,
  getMessage,
  listMessages,
  UnknownCursor,
} from '../domain/messages.ts';
import { listMessagesQuery, messageIdParams } from '../http/input.ts';
import { messageRepresentation, messageSummary } from '../http/representations.ts';

const notFound = (id: string) =>
  new ApiError({ status: 404, code: 'message_not_found', message: `No message ${id}`, param: 'id' });

/** `/api/v1/messages`: list (newest first, paged, `?to=`, `?q=`), one, its raw source, delete one or all. */
export function messageRoutes(ctx: MailboxContext) {
  const query = listMessagesQuery(ctx.config.MAILBOX_PAGE_LIMIT);
  return new Hono()
    .get('/', (c) => {
      const q = query.parse(c.req.query());
      let page: ReturnType<typeof listMessages>;
      try {
        page = listMessages(ctx.db, { limit: q.limit, startingAfter: q.starting_after, to: q.to, q: q.q });
      } catch (err) {
        if (err instanceof UnknownCursor)
          throw new ApiError({
            status: 400,
            code: 'unknown_cursor',
            message: 'starting_after is not a stored message (it may have been deleted)',
            param: 'starting_after',
          });
        throw err;
      }
      c.header('cache-control', 'no-store');
      return c.json({
        object: 'list',
        url: '/api/v1/messages',
        total: page.total,
        has_more: page.hasMore,
        data: page.data.map(messageSummary),
      });
    })
    .delete('/', (c) => c.json({ deleted: deleteAllMessages(ctx.db, ctx.events) }))
    .get('/:id', (c) => {
      const { id } = messageIdParams.parse(c.req.param());
      const m = getMessage(ctx.db, id);
      if (!m) throw notFound(id);
      c.header('cache-control', 'no-store');
      return c.json(messageRepresentation(m));
    })
    .get('/:id/raw', (c) => {
      const { id } = messageIdParams.parse(c.req.param());
      const m = getMessage(ctx.db, id);
      if (!m) throw notFound(id);
      // text/plain, never rendered: a raw message is untrusted markup.
      return c.body(new Uint8Array(m.raw), 200, {
        'content-type': 'text/plain; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
    })
    .delete('/:id', (c) => {
      const { id } = messageIdParams.parse(c.req.param());
      if (!deleteMessage(ctx.db, ctx.events, id)) throw notFound(id);
      return c.json({ id, object: 'message', deleted: true });
    });
}
