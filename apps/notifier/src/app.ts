import { createServiceApp } from '@hooklab/service';
import type { NotifierContext } from './context.ts';

/**
 * notifier's HTTP app: `GET /healthz`, the exchange recorder (dev only) and one error handler come from the
 * kit. Mount one router per resource from routes/ here: `app.route('/v1/things', thingRoutes(ctx))`.
 */
export function createApp(ctx: NotifierContext) {
  return createServiceApp({
    name: 'notifier',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/v1/'],
  });
}

export type NotifierApp = ReturnType<typeof createApp>;
