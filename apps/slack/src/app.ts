import { createServiceApp } from '@hooklab/service';
import type { SlackContext } from './context.ts';
import { slackApiDocs } from './http/openapi.ts';
import { pageRoutes } from './pages/routes.tsx';
import { adminRoutes } from './routes/admin.ts';
import { webApiRoutes } from './routes/api.ts';
import { incomingWebhookRoutes } from './routes/incoming-webhooks.ts';
import { responseUrlRoutes } from './routes/response-urls.ts';
import { uiRoutes } from './routes/ui.ts';

/** slack's HTTP app: the Web API, the admin API, incoming webhooks, response URLs and (dev mode) the UI. */
export function createApp(ctx: SlackContext) {
  const app = createServiceApp({
    name: 'slack',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/admin/', '/ui/'],
  });
  slackApiDocs().mount(app);
  app.route('/api', webApiRoutes(ctx));
  app.route('/admin', adminRoutes(ctx));
  app.route('/services', incomingWebhookRoutes(ctx));
  app.route('/commands', responseUrlRoutes(ctx));
  app.route('/actions', responseUrlRoutes(ctx));
  // The chat client has no login: people type as any member, so it is served in dev mode only.
  if (ctx.config.HOOKLAB_DEV) {
    app.route('/ui', uiRoutes(ctx));
    app.route('/', pageRoutes(ctx));
  } else app.get('/', (c) => c.json({ service: 'slack', docs: '/docs', web_api: '/api/{method}' }));
  return app;
}

export type SlackApp = ReturnType<typeof createApp>;
