import { ApiError } from '@hooklab/service';
import { Hono } from 'hono';
import type { SocialContext } from '../context.ts';
import { addRules, deleteRules, listRules } from '../domain/stream-rules.ts';
import { type AppAuthEnv, requireApp } from '../http/auth.ts';
import { jsonObject } from '../http/input.ts';

/** `/2/tweets/search/stream/rules`: the calling app's filter rules (X's filtered stream). */
export function ruleRoutes(ctx: SocialContext) {
  const app = new Hono<AppAuthEnv>();
  app.use('*', requireApp(ctx.sqlite));
  app.get('/', (c) => {
    const data = listRules(ctx, c.get('clientApp').id);
    const meta = { sent: new Date(ctx.clock.now()).toISOString(), result_count: data.length };
    return c.json(data.length > 0 ? { data, meta } : { meta });
  });
  app.post('/', async (c) => {
    const body = await jsonObject(c);
    const dryRunRaw = c.req.query('dry_run');
    if (dryRunRaw !== undefined && dryRunRaw !== 'true' && dryRunRaw !== 'false') {
      throw new ApiError({
        status: 400,
        code: 'invalid_request',
        message: 'dry_run must be true or false',
        param: 'dry_run',
      });
    }
    const keys = Object.keys(body);
    if (keys.length !== 1 || (keys[0] !== 'add' && keys[0] !== 'delete')) {
      throw new ApiError({
        status: 400,
        code: 'invalid_request',
        message: 'The body must be exactly one of {"add": [{value, tag?}, …]} or {"delete": {"ids": […]}}',
      });
    }
    const appId = c.get('clientApp').id;
    if (keys[0] === 'add') return c.json(addRules(ctx, appId, body.add, dryRunRaw === 'true'), 201);
    return c.json(deleteRules(ctx, appId, body.delete));
  });
  return app;
}
