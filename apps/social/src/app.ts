import { createServiceApp } from '@hooklab/service';
import type { SocialContext } from './context.ts';

/**
 * social's HTTP app: `GET /healthz`, the exchange recorder (dev only) and one error handler come from the
 * kit. Mount one router per resource from routes/ here: `app.route('/v1/things', thingRoutes(ctx))`.
 */
export function createApp(ctx: SocialContext) {
  return createServiceApp({
    name: 'social',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/v1/'],
  });
}

export type SocialApp = ReturnType<typeof createApp>;
