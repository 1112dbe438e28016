import { createServiceApp } from '@hooklab/service';
import type { __App__Context } from './context.ts';

/**
 * __app__'s HTTP app: `GET /healthz`, the exchange recorder (dev only) and one error handler come from the
 * kit. Mount one router per resource from routes/ here: `app.route('/v1/things', thingRoutes(ctx))`.
 */
export function createApp(ctx: __App__Context) {
  return createServiceApp({
    name: '__app__',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/v1/'],
  });
}

export type __App__App = ReturnType<typeof createApp>;
