import type { JobHandler, JobRunner, SqliteClient } from '@hooklab/db';
import { isHttpTarget } from '@hooklab/webhooks';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { LogisticsContext } from '../context.ts';
import {
  manifests,
  merchants,
  notifyConsents,
  quotes,
  type Shipment,
  type ShipmentEvent,
  shipments,
} from '../db/schema.ts';
import { enqueueEvent, merchantTarget, shipmentTargets } from '../webhooks/out/callbacks.ts';
import { validateWebhookOrigin } from './handshake.ts';
import { MANIFEST_CONTENT_TYPE, manifestStream } from './manifest-file.ts';
import { urlExpiry } from './manifests.ts';
import { buyLabel, labelPdf, nextTransition, scanLocation, TERMINAL } from './pipeline.ts';
import { priceQuote } from './quotes.ts';

/** The durable jobs of logistics, one per subject: a shipment's pipeline, a quote, a manifest. */
export type JobKind = 'shipment' | 'quote' | 'manifest';

const LABEL_URL_TTL_SEC = 7 * 24 * 3600;
const iso = (ms: number) => new Date(ms).toISOString();

/** The step functions of the three job kinds. */
export function createJobHandlers(ctx: LogisticsContext): Record<JobKind, JobHandler> {
  const { db, sqlite, outbox, config } = ctx;
  const shipmentById = db
    .select()
    .from(shipments)
    .where(eq(shipments.id, sql.placeholder('id')))
    .prepare();
  const merchantById = db
    .select()
    .from(merchants)
    .where(eq(merchants.id, sql.placeholder('id')))
    .prepare();
  const getShipment = (id: string) => shipmentById.get({ id });
  const getMerchant = (id: string) => merchantById.get({ id });

  // CloudEvents consent is remembered per origin; a refusal is asked again on the next shipment.
  async function consentFor(url: string): Promise<boolean> {
    // The handshake is HTTP's (an OPTIONS request); mail servers and brokers are ours to configure.
    if (!isHttpTarget(url)) return true;
    const origin = new URL(url).origin;
    const known = db.select().from(notifyConsents).where(eq(notifyConsents.origin, origin)).get();
    if (known?.allowed) return true;
    const safe = await ctx.guard.check(url);
    if (!safe.ok) return false;
    const result = await validateWebhookOrigin({
      fetch: ctx.fetch,
      check: ctx.guard.check,
      url,
      origin: config.LOGISTICS_WEBHOOK_ORIGIN,
      requestRate: 120,
    });
    ctx.logger?.info(
      { origin, allowed: result.allowed, reason: result.reason },
      'webhook validation handshake',
    );
    db.insert(notifyConsents)
      .values({
        origin,
        allowed: result.allowed,
        allowedRate: result.allowedRate,
        checkedAt: ctx.clock.now(),
      })
      .onConflictDoUpdate({
        target: notifyConsents.origin,
        set: { allowed: result.allowed, allowedRate: result.allowedRate, checkedAt: ctx.clock.now() },
      })
      .run();
    return result.allowed;
  }

  const shipment: JobHandler = async (job) => {
    const before = getShipment(job.subjectId);
    if (!before || TERMINAL.has(before.status)) return () => null;
    let notifyStatus = before.notifyStatus;
    if (before.notifyUrl && notifyStatus === 'pending') {
      notifyStatus = (await consentFor(before.notifyUrl)) ? 'consented' : 'refused';
    }
    const transition = nextTransition(before.status, before.items, before.shipTo);
    let label: { carrier: string; service: string; trackingNumber: string; labelUrl: string } | null = null;
    if (transition.kind === 'advance' && transition.to === 'label_purchased') {
      const bought = buyLabel(before.id, before.shipTo.country);
      const key = `labels/${before.merchantId}/${before.id}.pdf`;
      await ctx.blobs.put(key, labelPdf({ shipmentId: before.id, ...bought, shipTo: before.shipTo }), {
        contentType: 'application/pdf',
      });
      label = { ...bought, labelUrl: await ctx.blobs.signedUrl(key, { expiresInSec: LABEL_URL_TTL_SEC }) };
    }

    return (now) => {
      const s = getShipment(before.id);
      if (!s || TERMINAL.has(s.status)) return null;
      // A cancel landed while we were buying the label: run again against the new state.
      if (s.status !== before.status) return now;
      const merchant = getMerchant(s.merchantId)!;
      const events: ShipmentEvent[] = [...s.events];
      const patch: Partial<Shipment> = { notifyStatus, updatedAt: now };
      const current: Shipment = { ...s, notifyStatus };
      const emit = (type: string, data: Record<string, unknown>) =>
        enqueueEvent(sqlite, outbox, shipmentTargets(current, merchant), {
          type,
          data,
          now,
          traceparent: s.traceparent,
        });
      let next: number | null = now + config.LOGISTICS_STAGE_MS;

      if (transition.kind === 'none') {
        next = null;
      } else if (transition.kind === 'fail') {
        Object.assign(patch, { status: 'failed', failureReason: transition.reason, completedAt: now });
        events.push({ status: 'failed', at: iso(now), detail: transition.detail });
        emit('shipment.failed', { shipment_id: s.id, order_id: s.orderId, reason: transition.reason });
        next = null;
      } else {
        const to = transition.to;
        patch.status = to;
        const event: ShipmentEvent = { status: to, at: iso(now) };
        if (to === 'label_purchased' && label) {
          Object.assign(patch, label);
          Object.assign(current, label);
          event.detail = `${label.carrier} ${label.trackingNumber}`;
        } else if (to === 'shipped') {
          emit('shipment.fulfilled', {
            shipment_id: s.id,
            order_id: s.orderId,
            carrier: s.carrier,
            tracking_number: s.trackingNumber,
            label_url: s.labelUrl,
            status: 'shipped',
          });
        } else if (to === 'in_transit') {
          event.location = scanLocation(s.id, s.shipTo.city);
          emit('tracking.updated', {
            shipment_id: s.id,
            order_id: s.orderId,
            status: 'in_transit',
            location: event.location,
            at: event.at,
          });
        } else if (to === 'delivered') {
          patch.completedAt = now;
          emit('shipment.delivered', { shipment_id: s.id, order_id: s.orderId, delivered_at: event.at });
          next = null;
        }
        events.push(event);
      }
      patch.events = events;
      db.update(shipments).set(patch).where(eq(shipments.id, s.id)).run();
      return next;
    };
  };

  const quote: JobHandler = async (job) => (now) => {
    const q = db.select().from(quotes).where(eq(quotes.id, job.subjectId)).get();
    if (q?.status !== 'pending') return null;
    const result = priceQuote({
      quoteId: q.id,
      originPostalCode: q.originPostalCode,
      destinationPostalCode: q.destinationPostalCode,
      destinationCountry: q.destinationCountry,
      weightGrams: q.weightGrams,
      now,
    });
    db.update(quotes).set({ status: 'completed', result, completedAt: now }).where(eq(quotes.id, q.id)).run();
    const merchant = getMerchant(q.merchantId)!;
    const target = q.callbackUrl ? merchantTarget(merchant, q.callbackUrl) : null;
    enqueueEvent(sqlite, outbox, target ? [target] : [], {
      type: 'quote.completed',
      data: { ...result },
      now,
      traceparent: q.traceparent,
    });
    return null;
  };

  const manifest: JobHandler = async (job) => {
    const m = db.select().from(manifests).where(eq(manifests.id, job.subjectId)).get();
    if (m?.status !== 'pending') return () => null;
    const dayStart = Date.parse(`${m.date}T00:00:00.000Z`);
    const rows = db
      .select()
      .from(shipments)
      .where(
        and(
          eq(shipments.merchantId, m.merchantId),
          gte(shipments.createdAt, dayStart),
          lt(shipments.createdAt, dayStart + 86_400_000),
        ),
      )
      .orderBy(shipments.createdAt)
      .all();
    const { stream, rows: count } = manifestStream({
      manifestId: m.id,
      merchantId: m.merchantId,
      date: m.date,
      generatedAt: iso(ctx.clock.now()),
      shipments: rows,
      minBytes: m.minBytes,
    });
    const key = `manifests/${m.merchantId}/${m.date}/${m.id}.ndjson`;
    const info = await ctx.blobs.put(key, stream, { contentType: MANIFEST_CONTENT_TYPE });
    const signedAt = ctx.clock.now();
    const url = await ctx.blobs.signedUrl(key, { expiresInSec: m.expiresInSec });

    return (now) => {
      const expiresAt = urlExpiry(signedAt, m.expiresInSec);
      db.update(manifests)
        .set({
          status: 'ready',
          blobKey: key,
          size: info.size,
          sha256: info.sha256,
          contentType: info.contentType,
          rows: count(),
          url,
          expiresAt,
          completedAt: now,
        })
        .where(eq(manifests.id, m.id))
        .run();
      const merchant = getMerchant(m.merchantId)!;
      const target = merchantTarget(merchant, m.callbackUrl);
      // Claim check (S07): the callback carries a reference and a digest, never the file.
      enqueueEvent(sqlite, outbox, target ? [target] : [], {
        type: 'manifest.ready',
        data: {
          manifest_id: m.id,
          date: m.date,
          url,
          size: info.size,
          content_type: info.contentType,
          sha256: info.sha256,
          expires_at: iso(expiresAt),
        },
        now,
        traceparent: m.traceparent,
      });
      return null;
    };
  };

  return { shipment, quote, manifest };
}

/**
 * Jobs that were pending in the app's own `jobs` table when migration 0002 replaced it: scheduled once on the
 * shared runner, then the holding table is dropped. Returns how many were carried over.
 */
export function adoptCarriedOverJobs(sqlite: SqliteClient, jobs: JobRunner): number {
  const held = sqlite
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs_carried_over'`)
    .get();
  if (!held) return 0;
  return sqlite.transaction(() => {
    const rows = sqlite
      .prepare<[], { kind: string; subject_id: string; next_run_at: number }>(
        'SELECT kind, subject_id, next_run_at FROM jobs_carried_over',
      )
      .all();
    for (const r of rows) jobs.schedule({ kind: r.kind, subjectId: r.subject_id, runAt: r.next_run_at });
    sqlite.exec('DROP TABLE jobs_carried_over');
    return rows.length;
  })();
}
