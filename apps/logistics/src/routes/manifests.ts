import { ApiError, formatTraceparent } from '@hooklab/service';
import { Hono } from 'hono';
import type { LogisticsContext } from '../context.ts';
import { createManifest, findManifest, freshManifestUrl } from '../domain/manifests.ts';
import { type AuthEnv, requireApiKey } from '../http/auth.ts';
import { apiIdempotency } from '../http/idempotency.ts';
import {
  jobIdParams,
  jobStatusQuery,
  jsonBody,
  manifestCreateSchema,
  manifestResultQuery,
} from '../http/input.ts';
import { manifestResultJson, manifestStatusJson } from '../http/representations.ts';

/** `/v1/manifests`: the end-of-day manifest, written to the blob store and announced by reference (S07). */
export function manifestRoutes(ctx: LogisticsContext) {
  const app = new Hono<AuthEnv>();
  app.use('*', requireApiKey(ctx.sqlite), apiIdempotency(ctx));

  return app
    .post('/', async (c) => {
      const merchant = c.get('merchant');
      const body = await jsonBody(c, manifestCreateSchema);
      if (body.callback_url) await ctx.guard.assert(body.callback_url, 'callback_url');
      const manifest = createManifest(ctx, {
        merchantId: merchant.id,
        date: body.date,
        callbackUrl: body.callback_url ?? null,
        minBytes: body.min_bytes,
        expiresInSec: body.expires_in_sec,
        traceparent: formatTraceparent(c.get('trace')),
      });
      c.header('location', `/v1/manifests/${manifest.id}`);
      c.header('retry-after', '1');
      return c.json(manifestStatusJson(manifest), 202);
    })
    .get('/:id', (c) => {
      const m = findManifest(ctx, c.get('merchant').id, jobIdParams.parse(c.req.param()).id);
      if (m.status === 'ready' && jobStatusQuery.parse(c.req.query()).view !== 'status') {
        c.header('location', `/v1/manifests/${m.id}/result`);
        return c.json({ id: m.id, status: m.status, result_url: `/v1/manifests/${m.id}/result` }, 303);
      }
      if (m.status === 'pending') c.header('retry-after', '1');
      return c.json(manifestStatusJson(m), 200);
    })
    .get('/:id/result', async (c) => {
      const m = findManifest(ctx, c.get('merchant').id, jobIdParams.parse(c.req.param()).id);
      if (m.status !== 'ready' || !m.blobKey) {
        throw new ApiError({
          status: 409,
          code: 'job_not_finished',
          message: `Manifest ${m.id} is not ready yet; poll its status URL`,
          extra: { status_url: `/v1/manifests/${m.id}` },
          headers: { 'retry-after': '1' },
        });
      }
      return c.json(
        manifestResultJson(
          await freshManifestUrl(ctx, m, manifestResultQuery.parse(c.req.query()).refresh === 'true'),
        ),
        200,
      );
    });
}
