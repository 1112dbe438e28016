import { createServiceApp } from '@hooklab/service';
import type { SlackContext } from './context.ts';

/**
 * slack's HTTP app: `GET /healthz`, the exchange recorder (dev only) and one error handler come from the
 * kit. Mount one router per resource from routes/ here: `app.route('/v1/things', thingRoutes(ctx))`.
 */
export function createApp(ctx: SlackContext) {
  return createServiceApp({
    name: 'slack',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    apiPrefixes: ['/v1/'],
  });
}

export type SlackApp = ReturnType<typeof createApp>;
