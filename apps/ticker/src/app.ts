import { createServiceApp } from '@hooklab/service';
import type { TickerContext } from './context.ts';
import { pageRoutes } from './pages/quotes.tsx';
import { quoteRoutes } from './routes/quotes.ts';
import { topicRoutes } from './routes/topics.ts';

/**
 * ticker's HTTP app: the pages (`/`, `/symbols/:symbol`), the WebSub topics (`/topics/:symbol`) and the polling
 * API (`/quotes`); `GET /healthz`, the exchange recorder (dev only) and the error handler come from the kit.
 */
export function createApp(ctx: TickerContext) {
  const app = createServiceApp({
    name: 'ticker',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/quotes', '/topics/'],
  });
  app.route('/quotes', quoteRoutes(ctx));
  app.route('/topics', topicRoutes(ctx));
  app.route('/', pageRoutes(ctx));
  return app;
}

export type TickerApp = ReturnType<typeof createApp>;
