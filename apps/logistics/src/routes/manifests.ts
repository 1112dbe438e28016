import { ApiError, formatTraceparent, newId } from '@hooklab/service';
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { type AuthEnv, requireApiKey } from '../auth.ts';
import type { LogisticsContext } from '../context.ts';
import { type Manifest, manifests } from '../db/schema.ts';
import { idempotencyKeyOf } from '../idempotency.ts';
import { manifestResultJson, manifestStatusJson } from '../representations.ts';
import { jsonBody, manifestCreateSchema } from './input.ts';

/** `/v1/manifests`: the end-of-day manifest, written to the blob store and announced by reference (S07). */
export function manifestRoutes(ctx: LogisticsContext) {
  const { db, clock, config } = ctx;
  const app = new Hono<AuthEnv>();
  app.use('*', requireApiKey(ctx.sqlite));

  const load = (merchantId: string, id: string): Manifest => {
    const m = db
      .select()
      .from(manifests)
      .where(and(eq(manifests.id, id), eq(manifests.merchantId, merchantId)))
      .get();
    if (!m)
      throw new ApiError({
        status: 404,
        code: 'not_found',
        message: `Manifest ${id.slice(0, 64)} not found`,
      });
    return m;
  };

  return app
    .post('/', async (c) => {
      const merchant = c.get('merchant');
      const key = idempotencyKeyOf(c.req.header('idempotency-key'));
      const body = await jsonBody(c, manifestCreateSchema);
      if (body.callback_url) await ctx.guard.assert(body.callback_url, 'callback_url');
      const { manifest, created } = ctx.sqlite.transaction(() => {
        if (key) {
          const id = ctx.idempotency.find(merchant.id, key, 'POST /v1/manifests', body);
          if (id) return { manifest: load(merchant.id, id), created: false };
        }
        const now = clock.now();
        const row: Manifest = {
          id: newId('man'),
          merchantId: merchant.id,
          date: body.date ?? new Date(now).toISOString().slice(0, 10),
          status: 'pending',
          callbackUrl: body.callback_url ?? null,
          minBytes: body.min_bytes,
          expiresInSec: body.expires_in_sec ?? config.MANIFEST_URL_TTL_SEC,
          blobKey: null,
          size: null,
          sha256: null,
          contentType: null,
          rows: null,
          url: null,
          expiresAt: null,
          traceparent: formatTraceparent(c.get('trace')),
          createdAt: now,
          completedAt: null,
        };
        db.insert(manifests).values(row).run();
        ctx.runner.schedule('manifest', row.id, now);
        if (key) ctx.idempotency.record(merchant.id, key, 'POST /v1/manifests', body, row.id, now);
        return { manifest: row, created: true };
      })();
      if (created) ctx.runner.wake();
      else c.header('idempotent-replayed', 'true');
      c.header('location', `/v1/manifests/${manifest.id}`);
      c.header('retry-after', '1');
      return c.json(manifestStatusJson(manifest), 202);
    })
    .get('/:id', (c) => {
      const m = load(c.get('merchant').id, c.req.param('id'));
      if (m.status === 'ready' && c.req.query('view') !== 'status') {
        c.header('location', `/v1/manifests/${m.id}/result`);
        return c.json({ id: m.id, status: m.status, result_url: `/v1/manifests/${m.id}/result` }, 303);
      }
      if (m.status === 'pending') c.header('retry-after', '1');
      return c.json(manifestStatusJson(m), 200);
    })
    .get('/:id/result', async (c) => {
      let m = load(c.get('merchant').id, c.req.param('id'));
      if (m.status !== 'ready' || !m.blobKey) {
        throw new ApiError({
          status: 409,
          code: 'job_not_finished',
          message: `Manifest ${m.id} is not ready yet; poll its status URL`,
          extra: { status_url: `/v1/manifests/${m.id}` },
          headers: { 'retry-after': '1' },
        });
      }
      // The claim check outlives its URL: an expired link is re-signed on request.
      if (c.req.query('refresh') === 'true' || (m.expiresAt ?? 0) <= clock.now()) {
        const signedAt = clock.now();
        const url = await ctx.blobs.signedUrl(m.blobKey, { expiresInSec: m.expiresInSec });
        const expiresAt = Math.floor(signedAt / 1000) * 1000 + m.expiresInSec * 1000;
        db.update(manifests).set({ url, expiresAt }).where(eq(manifests.id, m.id)).run();
        m = { ...m, url, expiresAt };
      }
      return c.json(manifestResultJson(m), 200);
    });
}
