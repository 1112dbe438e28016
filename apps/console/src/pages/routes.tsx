/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (The pragma keeps hono/jsx when tsx runs this from another workspace, e.g. `pnpm walkthrough --stack`.)
import { scenarioCatalog } from '@hooklab/scenarios';
import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import type { ConsoleContext } from '../context.ts';
import { ConsolePage } from './console.tsx';

/** `GET /` (the console) and `GET /assets/console-<hash>.js` (its script, cacheable for good). */
export function pageRoutes(ctx: ConsoleContext) {
  return new Hono<ServiceEnv>()
    .get('/', async (c) => {
      const bundle = await ctx.assets.bundle();
      c.header('cache-control', 'no-store');
      return c.html(<ConsolePage catalog={scenarioCatalog()} urls={ctx.urls} script={bundle.name} />);
    })
    .get('/assets/:name', async (c) => {
      const bundle = await ctx.assets.bundle();
      if (c.req.param('name') !== bundle.name)
        throw new ApiError({
          status: 404,
          code: 'not_found',
          message: 'No such asset (the console was rebuilt: reload)',
        });
      return c.body(bundle.code, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=31536000, immutable',
      });
    });
}
