import { ApiError, bodyLimit, createServiceApp } from '@hooklab/service';
import type { SocialContext } from './context.ts';
import { renderXError } from './http/errors.ts';
import { MAX_BODY_BYTES } from './http/input.ts';
import { socialApiDocs } from './http/openapi.ts';
import { ruleRoutes } from './routes/rules.ts';
import { timelineRoutes } from './routes/timeline.ts';
import { tweetRoutes } from './routes/tweets.ts';
import { userRoutes } from './routes/users.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/**
 * social's HTTP app: X's API v2 subset under `/2/` (errors always in X's problem JSON), the timeline page
 * at `/`. `GET /healthz`, the exchange recorder (dev only) and the error handler come from the kit.
 */
export function createApp(ctx: SocialContext) {
  const app = createServiceApp({
    name: 'social',
    logger: ctx.logger,
    recorder: ctx.recorder,
    dev: ctx.config,
    renderError: renderXError,
    apiPrefixes: ['/2/'],
  });
  const tooLarge = () => {
    throw new ApiError({
      status: 413,
      code: 'payload_too_large',
      message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
    });
  };
  app.use('/2/*', bodyLimit({ maxBytes: MAX_BODY_BYTES, onTooLarge: tooLarge }));
  app.use('/compose', bodyLimit({ maxBytes: MAX_BODY_BYTES, onTooLarge: tooLarge }));
  app.route('/2/tweets/search/stream/rules', ruleRoutes(ctx));
  app.route('/2/tweets', tweetRoutes(ctx));
  app.route('/2/webhooks', webhookRoutes(ctx));
  app.route('/2/users', userRoutes(ctx));
  socialApiDocs().mount(app);
  app.route('/', timelineRoutes(ctx));
  return app;
}

export type SocialApp = ReturnType<typeof createApp>;
