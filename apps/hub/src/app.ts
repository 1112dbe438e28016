import { createServiceApp } from '@hooklab/service';
import type { HubContext } from './context.ts';
import { hubApiDocs } from './http/openapi.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { homeRoutes } from './routes/home.ts';
import { hubRoutes } from './routes/hub.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { topicRoutes } from './routes/topics.ts';

/** hub's HTTP app: the WebSub endpoint `POST /`, its page `GET /`, a read-only JSON API and its docs. */
export function createApp(ctx: HubContext) {
  const app = createServiceApp({
    name: 'hub',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/v1/'],
  });
  app.route('/', hubRoutes(ctx));
  app.route('/', homeRoutes(ctx));
  app.route('/v1/topics', topicRoutes(ctx));
  app.route('/v1/subscriptions', subscriptionRoutes(ctx));
  app.route('/v1/deliveries', deliveryRoutes(ctx));
  hubApiDocs().mount(app);
  return app;
}

export type HubApp = ReturnType<typeof createApp>;
