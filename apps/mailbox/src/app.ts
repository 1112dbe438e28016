import { createServiceApp, devOnly } from '@hooklab/service';
import type { MailboxContext } from './context.ts';
import { mailboxApiDocs } from './http/openapi.ts';
import { inboxPages } from './pages/inbox.tsx';
import { eventRoutes } from './routes/events.ts';
import { infoRoutes } from './routes/info.ts';
import { messageRoutes } from './routes/messages.ts';

/** mailbox's HTTP app: the JSON API under `/api/v1/`, the inbox pages, and the kit's health and recorder. */
export function createApp(ctx: MailboxContext) {
  const app = createServiceApp({
    name: 'mailbox',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    // The API answers problem+json whatever Accept says; the pages answer a browser with an HTML error page.
    apiPrefixes: ['/api/'],
  });
  mailboxApiDocs(ctx.config.MAILBOX_PAGE_LIMIT).mount(app);
  // Mail holds people's addresses and words: read only in dev mode, from this machine or with the dev token.
  const dev = devOnly(ctx.config);
  for (const path of ['/', '/messages/*', '/api/v1/messages', '/api/v1/messages/*', '/api/v1/events'])
    app.use(path, dev);
  app.route('/api/v1/info', infoRoutes(ctx));
  app.route('/api/v1/messages', messageRoutes(ctx));
  app.route('/api/v1/events', eventRoutes(ctx));
  app.route('/', inboxPages(ctx));
  return app;
}

export type MailboxApp = ReturnType<typeof createApp>;
