// End-of-day manifests (S07's claim check): logistics announces a reference, the shop downloads and checks it.
import { desc, eq } from 'drizzle-orm';
import type { ShopDb } from '../db/index.ts';
import { type Manifest, manifests } from '../db/schema.ts';

export interface ManifestReference {
  id: string;
  date: string | null;
  url: string;
  contentType: string | null;
  size: number;
  sha256: string;
  expiresAt: string | null;
}

/** Stores an announced manifest as pending (a second announcement of the same id replaces the reference). */
export function queueManifest(db: ShopDb, ref: ManifestReference, now: number): void {
  const sha256 = ref.sha256.toLowerCase();
  db.insert(manifests)
    .values({
      id: ref.id,
      date: ref.date,
      url: ref.url,
      contentType: ref.contentType,
      expectedSize: ref.size,
      expectedSha256: sha256,
      expiresAt: ref.expiresAt,
      status: 'pending',
      receivedAt: now,
    })
    .onConflictDoUpdate({
      target: manifests.id,
      set: {
        url: ref.url,
        expectedSize: ref.size,
        expectedSha256: sha256,
        status: 'pending',
        receivedAt: now,
      },
    })
    .run();
}

export function getManifest(db: ShopDb, id: string): Manifest | undefined {
  return db.select().from(manifests).where(eq(manifests.id, id)).get();
}

/** Records the outcome of a download and check. */
export function recordManifestCheck(
  db: ShopDb,
  id: string,
  result: Pick<Manifest, 'status' | 'actualSize' | 'actualSha256' | 'httpStatus' | 'detail'>,
  now: number,
): void {
  db.update(manifests)
    .set({ ...result, checkedAt: now })
    .where(eq(manifests.id, id))
    .run();
}

/** Manifests still to download (after a restart). */
export function pendingManifests(db: ShopDb): Manifest[] {
  return db.select().from(manifests).where(eq(manifests.status, 'pending')).all();
}

export function listManifests(db: ShopDb, limit = 50): Manifest[] {
  return db.select().from(manifests).orderBy(desc(manifests.receivedAt)).limit(limit).all();
}
