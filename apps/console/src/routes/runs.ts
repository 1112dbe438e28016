import { scenarioCatalog } from '@hooklab/scenarios';
import { ApiError, type ServiceEnv } from '@hooklab/service';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ConsoleContext } from '../context.ts';

export const runBody = z.strictObject({
  scenario: z.string().regex(/^S\d\d$/, 'a scenario id such as S04'),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/** `GET /api/scenarios`, `POST /api/runs {scenario, params}` (202, the run), `GET /api/runs/:id`. */
export function runRoutes(ctx: ConsoleContext) {
  return new Hono<ServiceEnv>()
    .get('/scenarios', (c) => c.json({ data: scenarioCatalog() }))
    .post('/runs', async (c) => {
      const raw = await c.req.json().catch(() => {
        throw new ApiError({
          status: 400,
          code: 'malformed_body',
          message: 'Send a JSON object {scenario, params}',
        });
      });
      const body = runBody.parse(raw);
      const run = ctx.runner.start(body.scenario, body.params);
      c.header('location', `/api/runs/${run.id}`);
      return c.json(run, 202);
    })
    .get('/runs/:id', (c) => {
      const run = ctx.store.run(c.req.param('id'));
      if (!run) throw new ApiError({ status: 404, code: 'not_found', message: 'No such run' });
      return c.json(run);
    });
}
