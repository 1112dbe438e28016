import { ApiError, newId } from '@hooklab/service';
import { and, eq } from 'drizzle-orm';
import type { LogisticsContext } from '../context.ts';
import { type Manifest, manifests } from '../db/schema.ts';

export interface CreateManifestInput {
  merchantId: string;
  /** YYYY-MM-DD; default today (UTC). */
  date: string | undefined;
  callbackUrl: string | null;
  minBytes: number;
  expiresInSec: number | undefined;
  traceparent: string | null;
}

/** Creates a pending manifest and its job (due now) in one transaction. */
export function createManifest(ctx: LogisticsContext, input: CreateManifestInput): Manifest {
  const result = ctx.sqlite.transaction(() => {
    const now = ctx.clock.now();
    const row: Manifest = {
      id: newId('man'),
      merchantId: input.merchantId,
      date: input.date ?? new Date(now).toISOString().slice(0, 10),
      status: 'pending',
      callbackUrl: input.callbackUrl,
      minBytes: input.minBytes,
      expiresInSec: input.expiresInSec ?? ctx.config.MANIFEST_URL_TTL_SEC,
      blobKey: null,
      size: null,
      sha256: null,
      contentType: null,
      rows: null,
      url: null,
      expiresAt: null,
      traceparent: input.traceparent,
      createdAt: now,
      completedAt: null,
    };
    ctx.db.insert(manifests).values(row).run();
    ctx.jobs.schedule({ kind: 'manifest', subjectId: row.id, runAt: now });
    return row;
  })();
  ctx.jobs.wake();
  return result;
}

/** The merchant's manifest, or 404 (another merchant's included). */
export function findManifest(ctx: LogisticsContext, merchantId: string, id: string): Manifest {
  const m = ctx.db
    .select()
    .from(manifests)
    .where(and(eq(manifests.id, id), eq(manifests.merchantId, merchantId)))
    .get();
  if (!m)
    throw new ApiError({ status: 404, code: 'not_found', message: `Manifest ${id.slice(0, 64)} not found` });
  return m;
}

/** The expiry of a URL signed at `signedAt` (whole seconds, as the signature carries them). */
export const urlExpiry = (signedAt: number, expiresInSec: number) =>
  Math.floor(signedAt / 1000) * 1000 + expiresInSec * 1000;

/** The claim check outlives its URL: an expired link (or any, with `refresh`) is re-signed and stored. */
export async function freshManifestUrl(
  ctx: LogisticsContext,
  m: Manifest,
  refresh: boolean,
): Promise<Manifest> {
  if (!m.blobKey || (!refresh && (m.expiresAt ?? 0) > ctx.clock.now())) return m;
  const signedAt = ctx.clock.now();
  const url = await ctx.blobs.signedUrl(m.blobKey, { expiresInSec: m.expiresInSec });
  const expiresAt = urlExpiry(signedAt, m.expiresInSec);
  ctx.db.update(manifests).set({ url, expiresAt }).where(eq(manifests.id, m.id)).run();
  return { ...m, url, expiresAt };
}
