import { ApiError, createServiceApp, devAccessError, devAccessOf, type ServiceEnv } from '@hooklab/service';
import type { MiddlewareHandler } from 'hono';
import type { ConsoleContext } from './context.ts';
import { consoleApiDocs } from './http/openapi.ts';
import { pageRoutes } from './pages/routes.tsx';
import { controlRoutes } from './routes/control.ts';
import { runRoutes } from './routes/runs.ts';
import { streamRoutes } from './routes/stream.ts';
import { traceRoutes } from './routes/traces.ts';

/** Every console route is a dev-only surface: outside dev mode it is not there, else local callers or the dev token. */
function devConsole(ctx: ConsoleContext): MiddlewareHandler<ServiceEnv> {
  return async (c, next) => {
    const access = devAccessOf(c, ctx.config);
    if (access === 'not_dev')
      throw new ApiError({
        status: 404,
        code: 'not_found',
        message: 'The console runs in dev mode only (HOOKLAB_DEV=1, as `pnpm dev` sets it)',
      });
    if (access !== 'allowed') throw devAccessError(access);
    await next();
  };
}

/** The console: its page, the scenario runner, the live stream, trace exports and the apps' switches. */
export function createApp(ctx: ConsoleContext) {
  // No recorder here: the console records the calls its scenarios make (ctx.recorder, through its traced
  // fetch), not the browser's traffic to its own page and API.
  const app = createServiceApp({
    name: 'console',
    logger: ctx.logger,
    dev: ctx.config,
    apiPrefixes: ['/api/'],
  });
  const dev = devConsole(ctx);
  app.use('/', dev);
  app.use('/assets/*', dev);
  app.use('/api/*', dev);
  app.use('/docs', dev);
  app.use('/openapi.json', dev);
  consoleApiDocs().mount(app);
  app.route('/api/stream', streamRoutes(ctx));
  app.route('/api/control', controlRoutes(ctx));
  app.route('/api', runRoutes(ctx));
  app.route('/api', traceRoutes(ctx));
  app.get('/api/services', (c) => c.json({ data: ctx.store.allServices() }));
  app.route('/', pageRoutes(ctx));
  return app;
}

export type ConsoleApp = ReturnType<typeof createApp>;
