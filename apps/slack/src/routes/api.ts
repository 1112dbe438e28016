import { Hono } from 'hono';
import type { SlackContext } from '../context.ts';
import { SlackError } from '../domain/errors.ts';
import { str, webApiMethods } from '../domain/web-api.ts';
import { authenticate } from '../domain/workspace.ts';
import { notOk, ok, readArgs, tokenOf } from '../http/web-api.ts';

/** `/api/:method`: parse → authenticate → scope → rate tier → the method. Never a 5xx, never a redirect. */
export function webApiRoutes(ctx: SlackContext) {
  const app = new Hono();
  app.on(['GET', 'POST'], '/:method', async (c) => {
    const name = c.req.param('method');
    const method = Object.hasOwn(webApiMethods, name) ? webApiMethods[name] : undefined;
    if (!method) return notOk(c, 'unknown_method');
    const args = await readArgs(c);
    if (!args) {
      return notOk(c, 'invalid_arguments', {
        response_metadata: { messages: ['[ERROR] the body could not be read as its content type says'] },
      });
    }
    if (method.public) {
      try {
        return ok(c, method.run(ctx, args));
      } catch (error) {
        if (error instanceof SlackError) return notOk(c, error.error, error.extra);
        throw error;
      }
    }
    const token = tokenOf(c, args);
    if (!token) return notOk(c, 'not_authed');
    const caller = authenticate(ctx, token);
    if (!caller) return notOk(c, 'invalid_auth');
    if (method.scope && !caller.scopes.includes(method.scope)) {
      return notOk(c, 'missing_scope', { needed: method.scope, provided: caller.scopes.join(',') });
    }
    try {
      const key = `${name}:${caller.user.id}${method.perChannel ? `:${str(args, 'channel') ?? ''}` : ''}`;
      const wait = ctx.rateLimiter.take(key, method.tier, ctx.clock.now());
      if (wait !== null) {
        c.header('Retry-After', String(wait));
        return c.json({ ok: false, error: 'ratelimited' }, 429);
      }
      return ok(c, method.run(ctx, caller, args));
    } catch (error) {
      if (error instanceof SlackError) return notOk(c, error.error, error.extra);
      ctx.logger?.error({ err: error, method: name }, 'web api method failed');
      return notOk(c, 'fatal_error');
    }
  });
  return app;
}
